package org.jlibp2p.examples;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.MuxedSession;
import org.jlibp2p.core.spi.MuxedStream;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.yamux.YamuxMuxer;

/**
 * The whole stack on one page, without the Host: how a libp2p connection is built, layer by layer
 * (connections/README.md, "Upgrading Connections"). A server and a client run in this one process
 * and talk over loopback TCP:
 *
 * <ol>
 *   <li>TCP: a plain socket;</li>
 *   <li>multistream-select agrees on a security protocol: {@code /noise};</li>
 *   <li>Noise: the XX handshake authenticates both peers and encrypts everything after it;</li>
 *   <li>multistream-select, now encrypted, agrees on a muxer: {@code /yamux/1.0.0};</li>
 *   <li>Yamux: many streams over the one connection;</li>
 *   <li>on a new stream, multistream-select agrees on the application protocol: {@code /echo/1.0.0};</li>
 *   <li>and the application's bytes flow.</li>
 * </ol>
 *
 * (A Host skips step 4 when Noise agreed on the muxer inside its handshake; this page leaves the
 * muxer list empty to show the step.) Run it with
 * {@code java -cp libp2p-examples/target/jlibp2p.jar org.jlibp2p.examples.LayerByLayer}.
 */
public final class LayerByLayer {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private LayerByLayer() {}

    /**
     * Runs the example.
     *
     * @param args none
     * @throws Exception if a step fails
     */
    public static void main(String[] args) throws Exception {
        PrivateKey serverKey = PrivateKey.generate(KeyType.ED25519);
        PrivateKey clientKey = PrivateKey.generate(KeyType.ED25519);
        PeerId serverId = PeerId.fromPublicKey(serverKey.publicKey());
        TcpTransport tcp = new TcpTransport();

        try (Listener listener = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))) {
            Thread server = Thread.ofVirtual().name("server").start(() -> serve(listener, serverKey));

            // 1. TCP
            RawConnection raw = tcp.dial(listener.localAddress(), TIMEOUT);
            say("1. TCP connected " + raw.localAddress() + " -> " + raw.remoteAddress());

            // 2. multistream-select: which security protocol?
            String security = MultistreamSelect.dialerSelect(raw, List.of(NoiseSecureChannel.PROTOCOL_ID), TIMEOUT);
            say("2. multistream-select agreed on " + security);

            // 3. Noise XX: -> e, <- e ee s es, -> s se; the server must prove it is serverId
            SecureConnection secure = new NoiseSecureChannel(clientKey).secureOutbound(raw, serverId, List.of());
            say("3. Noise handshake done: the server is " + secure.remotePeer());

            // 4. multistream-select again, inside the encryption: which muxer?
            String muxer = MultistreamSelect.dialerSelect(secure, List.of(YamuxMuxer.PROTOCOL_ID), TIMEOUT);
            say("4. multistream-select agreed on " + muxer);

            // 5. Yamux: the client opens odd-numbered streams
            try (MuxedSession session = new YamuxMuxer().newSession(secure, Role.INITIATOR)) {
                MuxedStream stream = session.openStream();
                say("5. Yamux stream " + stream.id() + " opened");

                // 6. multistream-select on the stream: which application protocol?
                say("6. the stream speaks " + MultistreamSelect.dialerSelect(stream, List.of(Echo.PROTOCOL_ID), TIMEOUT));

                // 7. application data
                stream.out().write("hello, layer by layer".getBytes());
                stream.closeWrite();
                say("7. echoed back: " + new String(stream.in().readAllBytes()));
            }
            server.join(TIMEOUT);
        }
    }

    /** The server side of the same steps, for one connection. */
    private static void serve(Listener listener, PrivateKey key) {
        try (RawConnection raw = listener.accept()) {
            MultistreamSelect.listenerSelect(raw, List.of(NoiseSecureChannel.PROTOCOL_ID), TIMEOUT);
            SecureConnection secure = new NoiseSecureChannel(key).secureInbound(raw, List.of());
            MultistreamSelect.listenerSelect(secure, List.of(YamuxMuxer.PROTOCOL_ID), TIMEOUT);
            try (MuxedSession session = new YamuxMuxer().newSession(secure, Role.RESPONDER)) {
                MuxedStream stream = session.acceptStream(TIMEOUT);
                MultistreamSelect.listenerSelect(stream, List.of(Echo.PROTOCOL_ID), TIMEOUT);
                stream.in().transferTo(stream.out());
                stream.closeWrite();
                // The client closes the session when it has read the echo; wait for that.
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (!session.isClosed() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            }
        } catch (IOException e) {
            System.err.println("server: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
