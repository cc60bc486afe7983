package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.codec.Varint;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Limits;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Strangers sending bad bytes to a running host over real sockets: each offending connection is
 * closed, and the host then serves a well-behaved peer normally, in the same test.
 */
@Timeout(60)
class HostHardeningTest {
    private static final Duration HANDSHAKE = Duration.ofSeconds(1);
    private Host host;
    private Host client;
    private InetSocketAddress target;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        host = Host.builder()
                .transport(new TcpTransport())
                .security(k -> new NoiseSecureChannel(k, HANDSHAKE, NoiseSecureChannel.Observer.NONE))
                .muxer(new YamuxMuxer())
                .limits(Limits.defaults().withConnections(64, 64, 4).withTimeouts(HANDSHAKE, HANDSHAKE, Duration.ofSeconds(5)))
                .listen("/ip4/127.0.0.1/tcp/0")
                .build();
        client = Host.builder().build();
        Multiaddr addr = host.listenAddrs().get(0);
        target = new InetSocketAddress("127.0.0.1", Integer.parseInt(addr.valueOf(MultiaddrProtocol.TCP).orElseThrow()));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        client.close();
        host.close();
    }

    private Socket raw() throws IOException {
        Socket s = new Socket();
        s.connect(target, 5000);
        s.setSoTimeout(10_000);
        sockets.add(s);
        return s;
    }

    /** The host has closed the socket: reading drains what it sent and ends in EOF or a reset. */
    private static boolean closedByHost(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // drain the host's side of the negotiation
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private void aWellBehavedPeerIsServed() throws IOException {
        List<Duration> rtts = client.ping(client.connect(host.fullAddrs().get(0)).remotePeer(), 1);
        assertThat(rtts).hasSize(1);
        client.connections().forEach(c -> c.close());
    }

    @Test
    void randomBytesInsteadOfMultistream() throws IOException {
        Socket s = raw();
        byte[] junk = new byte[300];
        new Random(1).nextBytes(junk);
        s.getOutputStream().write(junk);
        assertThat(closedByHost(s)).isTrue();
        aWellBehavedPeerIsServed();
    }

    @Test
    void anOverLongMultistreamLine() throws IOException {
        Socket s = raw();
        OutputStream out = s.getOutputStream();
        out.write(Varint.encode(MultistreamSelect.MAX_MESSAGE_LENGTH + 1000));
        out.write(new byte[2000]);
        assertThat(closedByHost(s)).isTrue();
        aWellBehavedPeerIsServed();
    }

    @Test
    void aVarintThatNeverEnds() throws IOException {
        Socket s = raw();
        byte[] endless = new byte[32];
        java.util.Arrays.fill(endless, (byte) 0xff);
        s.getOutputStream().write(endless);
        assertThat(closedByHost(s)).isTrue();
        aWellBehavedPeerIsServed();
    }

    @Test
    void aNoiseLengthOf65535AndThenSilenceIsDroppedAtTheDeadline() throws IOException {
        Socket s = raw();
        OutputStream out = s.getOutputStream();
        out.write(MultistreamSelect.encode(MultistreamSelect.PROTOCOL_ID));
        out.write(MultistreamSelect.encode(NoiseSecureChannel.PROTOCOL_ID));
        out.write(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3}); // a 65535-byte message that never comes
        long start = System.nanoTime();
        assertThat(closedByHost(s)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(HANDSHAKE.multipliedBy(5));
        aWellBehavedPeerIsServed();
    }

    @Test
    void aNoiseMessageThatFailsToDecrypt() throws IOException {
        Socket s = raw();
        OutputStream out = s.getOutputStream();
        out.write(MultistreamSelect.encode(MultistreamSelect.PROTOCOL_ID));
        out.write(MultistreamSelect.encode(NoiseSecureChannel.PROTOCOL_ID));
        byte[] message1 = new byte[32];
        new Random(2).nextBytes(message1);
        out.write(new byte[] {0, 32});
        out.write(message1);                       // a valid-looking ephemeral key
        byte[] forged = new byte[200];
        out.write(new byte[] {0, (byte) 200});
        out.write(forged);                         // message 3 that cannot authenticate
        assertThat(closedByHost(s)).isTrue();
        aWellBehavedPeerIsServed();
    }

    /**
     * Slowloris: connections that send nothing hold handshake slots only until the deadline. The cap
     * (4 here) means a fifth handshake waits for a slot instead of piling up, and every silent socket
     * is dropped.
     */
    @Test
    void silentConnectionsAreDroppedAndTheCapHoldsThem() throws IOException {
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // exactly the cap
            silent.add(raw());
        }
        long start = System.nanoTime();
        aWellBehavedPeerIsServed();
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        // no slot was free until the silent ones reached their deadline; then the peer was served
        assertThat(waited).isGreaterThan(HANDSHAKE.dividedBy(2)).isLessThan(HANDSHAKE.multipliedBy(5));
        for (Socket s : silent) {
            assertThat(closedByHost(s)).isTrue();
        }
    }
}
