package org.jlibp2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.jlibp2p.core.codec.ProtobufWriter;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A dialer that runs the Noise handshake by hand against a running host and lies in message 3:
 * each lie closes that connection, and the host then serves an honest peer.
 */
@Timeout(60)
class NoiseHardeningTest {
    private Host host;
    private Host honest;

    @BeforeEach
    void start() throws IOException {
        host = Host.builder().transport(new TcpTransport()).security(NoiseSecureChannel::new).muxer(new YamuxMuxer())
                .listen("/ip4/127.0.0.1/tcp/0").build();
        honest = Host.builder().transport(new TcpTransport()).security(NoiseSecureChannel::new).muxer(new YamuxMuxer()).build();
    }

    @AfterEach
    void stop() {
        honest.close();
        host.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"signature by another key", "signature over other bytes", "unknown key type", "no signature", "garbage payload"})
    void aLyingInitiatorIsDisconnected(String lie) throws Exception {
        PrivateKey me = PrivateKey.generate(KeyType.ED25519);
        PrivateKey other = PrivateKey.generate(KeyType.SECP256K1);
        Function<byte[], byte[]> payload = staticKey -> switch (lie) {
            case "signature by another key" -> new NoiseHandshakePayload(me.publicKey().marshal(),
                    other.sign(NoiseHandshake.signedBytes(staticKey)), List.of(), List.of()).encode();
            case "signature over other bytes" -> new NoiseHandshakePayload(me.publicKey().marshal(),
                    me.sign(new byte[56]), List.of(), List.of()).encode();
            case "unknown key type" -> new NoiseHandshakePayload(new ProtobufWriter().writeVarint(1, 9).writeBytes(2, new byte[32]).toByteArray(),
                    new byte[64], List.of(), List.of()).encode();
            case "no signature" -> new ProtobufWriter().writeBytes(1, me.publicKey().marshal()).toByteArray();
            default -> new byte[] {(byte) 0xff, 1, 2, 3};
        };
        try (RawConnection raw = new TcpTransport().dial(host.listenAddrs().get(0), Duration.ofSeconds(5))) {
            MultistreamSelect.dialerSelect(raw, List.of(NoiseSecureChannel.PROTOCOL_ID), Duration.ofSeconds(5));
            X25519 s = X25519.generate();
            HandshakeState hs = new HandshakeState(true, NoiseHandshake.EMPTY_PROLOGUE, s, X25519::generate);
            send(raw, hs.writeMessage(new byte[0]));
            hs.readMessage(receive(raw));
            send(raw, hs.writeMessage(payload.apply(s.publicKey())));
            raw.setReadTimeout(Duration.ofSeconds(10));
            assertThat(raw.in().read()).as("the host closes the connection").isEqualTo(-1);
        }
        assertThat(host.connections()).isEmpty();
        assertThat(honest.ping(honest.connect(host.fullAddrs().get(0)).remotePeer(), 1)).hasSize(1);
    }

    private static void send(RawConnection c, byte[] message) throws IOException {
        c.out().write(new byte[] {(byte) (message.length >>> 8), (byte) message.length});
        c.out().write(message);
        c.out().flush();
    }

    private static byte[] receive(RawConnection c) throws IOException {
        byte[] len = c.in().readNBytes(2);
        return c.in().readNBytes((len[0] & 0xFF) << 8 | (len[1] & 0xFF));
    }
}
