package org.jlibp2p.pubsub;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;

/**
 * A peer that speaks the pubsub wire by hand: it serves {@code /meshsub/1.2.0} and records every RPC
 * the node under test sends it, and sends the node whatever RPCs a test writes, well-formed or not.
 */
final class RawPeer implements AutoCloseable {
    final Host host;
    final BlockingQueue<Rpc> received = new LinkedBlockingQueue<>();
    private ProtocolStream out;
    private long seqno = 1;

    /** Streams from the node to reset at once, before reading any: a peer whose stream fails. */
    final java.util.concurrent.atomic.AtomicInteger resetStreams = new java.util.concurrent.atomic.AtomicInteger();

    RawPeer(PubSubNet net, String protocol, boolean read) throws IOException {
        this(net, protocol, read, null);
    }

    /** A raw peer whose host has the given identity key, or a new Ed25519 one if null. */
    RawPeer(PubSubNet net, String protocol, boolean read, org.jlibp2p.core.crypto.PrivateKey identity) throws IOException {
        Host.Builder builder = net.builder();
        if (identity != null) {
            builder.identity(identity);
        }
        this.host = builder.handler(protocol, s -> {
            if (resetStreams.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                s.reset();
                return;
            }
            if (!read) {
                s.setReadTimeout(Duration.ZERO);
                try {
                    Thread.sleep(Long.MAX_VALUE); // a peer that never reads
                } catch (InterruptedException e) {
                    return; // the host closed
                }
            }
            s.setReadTimeout(Duration.ZERO);
            InputStream in = new BufferedInputStream(s.in());
            while (true) {
                byte[] b = LengthPrefixed.readIfPresent(in, 8 << 20);
                if (b == null) {
                    return;
                }
                received.add(Rpc.decode(b, 8 << 20));
            }
        }).build();
        net.others.add(host);
    }

    RawPeer(PubSubNet net) throws IOException {
        this(net, GossipSub.MESHSUB_1_2, true);
    }

    PeerId peerId() {
        return host.peerId();
    }

    /** Connects to the node and opens our stream to it. */
    RawPeer connect(PubSubNet.Node node, String protocol) throws IOException {
        out = host.newStream(node.addr(), protocol);
        return this;
    }

    RawPeer connect(PubSubNet.Node node) throws IOException {
        return connect(node, GossipSub.MESHSUB_1_2);
    }

    /** {@return our stream to the node, to write raw bytes on} */
    ProtocolStream stream() {
        return out;
    }

    void send(Rpc rpc) throws IOException {
        sendRaw(rpc.encode());
    }

    void sendRaw(byte[] bytes) throws IOException {
        LengthPrefixed.write(out.out(), bytes);
        out.out().flush();
    }

    void subscribe(String... topics) throws IOException {
        send(new Rpc(java.util.Arrays.stream(topics).map(t -> new Rpc.SubOpts(true, t)).toList(), List.of(), Optional.empty()));
    }

    void control(Rpc.Control c) throws IOException {
        send(Rpc.ofControl(c));
    }

    static Rpc.Control graft(String topic) {
        return new Rpc.Control(List.of(), List.of(), List.of(new Rpc.Graft(topic)), List.of(), List.of());
    }

    static Rpc.Control prune(String topic, long backoff) {
        return new Rpc.Control(List.of(), List.of(), List.of(), List.of(new Rpc.Prune(topic, List.of(), Optional.of(backoff))), List.of());
    }

    static Rpc.Control ihave(String topic, List<MessageId> ids) {
        return new Rpc.Control(List.of(new Rpc.IHave(topic, ids)), List.of(), List.of(), List.of(), List.of());
    }

    static Rpc.Control iwant(List<MessageId> ids) {
        return new Rpc.Control(List.of(), List.of(new Rpc.IWant(ids)), List.of(), List.of(), List.of());
    }

    static Rpc.Control idontwant(List<MessageId> ids) {
        return new Rpc.Control(List.of(), List.of(), List.of(), List.of(), List.of(new Rpc.IDontWant(ids)));
    }

    /** A message signed with this peer's key, as strict signing wants it. */
    Message signed(String topic, byte[] data) {
        byte[] seq = ByteBuffer.allocate(8).putLong(seqno++).array();
        Message unsigned = new Message(peerId().bytes(), data, seq, topic, null, null);
        return new Message(peerId().bytes(), data, seq, topic, host.identity().sign(unsigned.signedBytes()), null);
    }

    /** Waits for an RPC the node sent that matches, skipping others; null if none within the timeout. */
    Rpc await(Predicate<Rpc> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Rpc r = received.poll(left, TimeUnit.NANOSECONDS);
            if (r != null && match.test(r)) {
                return r;
            }
        }
    }

    static Predicate<Rpc> control(Predicate<Rpc.Control> p) {
        return r -> r.control().isPresent() && p.test(r.control().get());
    }

    @Override
    public void close() {
        host.close();
    }
}
