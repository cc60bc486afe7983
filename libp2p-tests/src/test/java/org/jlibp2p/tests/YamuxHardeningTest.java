package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.Multibase;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Limits;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A peer that completes TCP, multistream-select and Noise honestly, then breaks Yamux: every
 * violation ends with Go Away (protocol error) and a closed connection, and the host goes on serving.
 */
@Timeout(60)
class YamuxHardeningTest {
    private Host host;
    private Host client;

    @BeforeEach
    void start() throws IOException {
        host = Host.builder().transport(new TcpTransport()).security(NoiseSecureChannel::new).muxer(new YamuxMuxer())
                .limits(Limits.defaults()).listen("/ip4/127.0.0.1/tcp/0").build();
        client = Host.builder().build();
    }

    @AfterEach
    void stop() {
        client.close();
        host.close();
    }

    /** An encrypted connection to the host on which Yamux was agreed in the Noise handshake. */
    private SecureConnection secured() throws IOException {
        RawConnection raw = new TcpTransport().dial(host.listenAddrs().get(0), Duration.ofSeconds(5));
        MultistreamSelect.dialerSelect(raw, List.of(NoiseSecureChannel.PROTOCOL_ID), Duration.ofSeconds(5));
        SecureConnection secure = new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519))
                .secureOutbound(raw, host.peerId(), List.of(YamuxMuxer.PROTOCOL_ID));
        assertThat(secure.earlyMuxer()).contains(YamuxMuxer.PROTOCOL_ID);
        secure.setReadTimeout(Duration.ofSeconds(10));
        return secure;
    }

    /** Reads frames until Go Away; returns its code, or -1 if the connection closed without one. */
    private static long goAwayCode(InputStream in) throws IOException {
        while (true) {
            byte[] h = in.readNBytes(12);
            if (h.length < 12) {
                return -1;
            }
            ByteBuffer b = ByteBuffer.wrap(h);
            b.get();
            int type = b.get();
            b.getShort();
            b.getInt();
            long length = b.getInt() & 0xFFFFFFFFL;
            if (type == 3) {
                return length;
            }
            if (type == 0) {
                in.skipNBytes(length);
            }
        }
    }

    /** The socket closed in the middle of a frame: the host drops the connection and serves others. */
    @org.junit.jupiter.api.Test
    void aSocketClosedInTheMiddleOfAFrame() throws Exception {
        SecureConnection c = secured();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (host.connections().isEmpty()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(10);
        }
        c.out().write(Multibase.fromHex("00000000000000010000ffff0102")); // a data header promising 65535 bytes, then 2
        c.out().flush();
        c.close();
        while (!host.connections().isEmpty()) {
            assertThat(System.nanoTime()).as("the host drops the connection").isLessThan(deadline);
            Thread.sleep(10);
        }
        PeerId peer = client.connect(host.fullAddrs().get(0)).remotePeer();
        assertThat(client.ping(peer, 1)).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown type          | 000700010000000100000000",
        "bad version           | 010000010000000100000000",
        "data over the window  | 000100010000000100000000 000000000000000100040001",
        "window update overflow| 000100010000000100000000 00010000 00000001 ffffffff",
        "SYN reusing an open id| 000100010000000100000000 000100010000000100000000",
        "SYN with the host's parity | 000100010000000200000000",
        "data after FIN        | 000100050000000100000000 000000000000000100000001 ff",
        "GoAway then a new SYN | 000300000000000000000000 000100010000000300000000",
        "data on a stream it reset | 000100010000000100000000 000100080000000100000000 000000000000000100000001 ff",
    })
    void violationsEndWithGoAwayAndTheHostServesTheNextPeer(String name, String frames) throws Exception {
        try (SecureConnection c = secured()) {
            c.out().write(Multibase.fromHex(frames.replace(" ", "")));
            c.out().flush();
            assertThat(goAwayCode(c.in())).as(name).isEqualTo(1);
            assertThat(c.in().read()).as("then the connection closes").isEqualTo(-1);
        }
        PeerId peer = client.connect(host.fullAddrs().get(0)).remotePeer();
        assertThat(client.ping(peer, 1)).hasSize(1);
    }
}
