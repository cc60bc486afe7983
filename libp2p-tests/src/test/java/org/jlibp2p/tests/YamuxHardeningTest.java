package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.Multibase;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Limits;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.examples.ConsoleLoggerFinder;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.testing.RawConnections;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A peer that completes TCP, multistream-select and Noise honestly, then breaks Yamux: every
 * violation ends with Go Away (protocol error) and a closed connection, for the violation named (the
 * host's WARNING names it), and the host goes on serving.
 *
 * <p>Nothing in the host would close an idle connection within the client's 10 s read timeout, so a
 * close {@link #PROMPTLY} after the bad frame was caused by the frame. (The tool's logger is on this
 * class path, so the library logs through it here, into {@link #log}.)
 */
@Timeout(60)
class YamuxHardeningTest {
    /** Well under the client's 10 s read timeout and the host's 10 s deadlines. */
    private static final Duration PROMPTLY = Duration.ofSeconds(2);
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private Host host;
    private Host client;

    private ResourceBaseline baseline;

    @BeforeEach
    void start() throws IOException {
        baseline = ResourceBaseline.take();
        ConsoleLoggerFinder.configure(false, new PrintStream(log, true, StandardCharsets.UTF_8));
        host = Host.builder().transport(new TcpTransport()).security(NoiseSecureChannel::new).muxer(new YamuxMuxer())
                .limits(Limits.defaults()).listen("/ip4/127.0.0.1/tcp/0").build();
        client = Host.builder().build();
    }

    @AfterEach
    void stop() throws IOException, InterruptedException {
        client.close();
        host.close();
        ConsoleLoggerFinder.configure(false, System.err);
        baseline.assertRestored();
    }

    private String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    /** An encrypted connection to the host on which Yamux was agreed in the Noise handshake. */
    private SecureConnection secured() throws IOException {
        RawConnection raw = new TcpTransport().dial(host.listenAddrs().get(0), Duration.ofSeconds(5));
        return secured(raw);
    }

    /** The same over a socket of our own, so that a test can end our sending side alone. */
    private SecureConnection secured(Socket socket) throws IOException {
        Multiaddr addr = host.listenAddrs().get(0);
        socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(addr.valueOf(MultiaddrProtocol.TCP).orElseThrow())), 5000);
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        Duplex duplex = new Duplex() {
            @Override
            public InputStream in() {
                return in;
            }

            @Override
            public OutputStream out() {
                return out;
            }

            @Override
            public void setReadTimeout(Duration timeout) throws IOException {
                socket.setSoTimeout((int) timeout.toMillis());
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
        return secured(RawConnections.wrap(duplex, "/ip4/127.0.0.1/tcp/" + socket.getLocalPort(), addr.toString()));
    }

    private SecureConnection secured(RawConnection raw) throws IOException {
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

    /**
     * The socket closed in the middle of a frame: the host drops the connection at once, as a
     * connection that ended (no protocol violation, no internal error), and serves others. Our side
     * is shut down for sending (a FIN) rather than closed: a close with the host's frames still unread
     * would be a reset, which the host would meet as a failed read, not as the end inside the frame.
     */
    @Test
    void aSocketClosedInTheMiddleOfAFrame() throws Exception {
        Socket socket = new Socket();
        SecureConnection c = secured(socket);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (host.connections().isEmpty()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(10);
        }
        // stream 1 opened (SYN), then a data header on it promising 65535 bytes, then 2 of them; without
        // the SYN the host would stop at the header, for a frame on a stream never opened
        c.out().write(Multibase.fromHex("000100010000000100000000" + "00000000000000010000ffff" + "0102"));
        c.out().flush();
        socket.shutdownOutput();
        long closed = System.nanoTime();
        while (!host.connections().isEmpty()) {
            assertThat(Duration.ofNanos(System.nanoTime() - closed)).as("the host drops the connection promptly").isLessThan(PROMPTLY);
            Thread.sleep(10);
        }
        c.close();
        assertThat(log()).as("an ended connection is neither a violation nor an internal error")
                .doesNotContain("protocol violation").doesNotContain("internal error").doesNotContain("[ERROR]");
        PeerId peer = client.connect(host.fullAddrs().get(0)).remotePeer();
        assertThat(client.ping(peer, 1)).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown type          | 000700010000000100000000 | unknown yamux frame type 7",
        "bad version           | 010000010000000100000000 | unsupported yamux version 1",
        "data over the window  | 000100010000000100000000 000000000000000100040001 | data frame of 262145 bytes on stream 1 exceeds its receive window of 262144",
        "window update overflow| 000100010000000100000000 00010000 00000001 ffffffff | window update overflows the 32-bit window of stream 1",
        "SYN reusing an open id| 000100010000000100000000 000100010000000100000000 | SYN for stream 1, which is open already",
        // an even id the host has not used: stream 2 would be refused as open already (the host's identify stream)
        "SYN with the host's parity | 000100010001000000000000 | SYN for stream 65536, an id of our side",
        "data after FIN        | 000100050000000100000000 000000000000000100000001 ff | data on stream 1 after its FIN",
        "GoAway then a new SYN | 000300000000000000000000 000100010000000300000000 | SYN for stream 3 after the remote's Go Away",
        "data on a stream it reset | 000100010000000100000000 000100080000000100000000 000000000000000100000001 ff | frame on stream 1 after the remote reset it",
    })
    void violationsEndWithGoAwayAndTheHostServesTheNextPeer(String name, String frames, String violation) throws Exception {
        try (SecureConnection c = secured()) {
            c.out().write(Multibase.fromHex(frames.replace(" ", "")));
            c.out().flush();
            long sent = System.nanoTime();
            assertThat(goAwayCode(c.in())).as("%s: Go Away with the protocol error code", name).isEqualTo(1);
            assertThat(c.in().read()).as("then the connection closes").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("%s: closed promptly, not by a timeout", name).isLessThan(PROMPTLY);
        }
        assertThat(log()).as("the host's warning names the violation").contains("protocol violation by the remote: " + violation);
        PeerId peer = client.connect(host.fullAddrs().get(0)).remotePeer();
        assertThat(client.ping(peer, 1)).hasSize(1);
    }
}
