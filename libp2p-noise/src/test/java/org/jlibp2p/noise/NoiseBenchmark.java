package org.jlibp2p.noise;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.testing.RawConnections;

/**
 * The two ChaChaPoly implementations alone, one Noise connection's throughput over in-memory pipes
 * and loopback TCP, and handshakes per second.
 * Not a test: run it with {@code scripts/bench-noise.sh}.
 */
public final class NoiseBenchmark {
    private NoiseBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args optional: MiB per throughput run (default 2048), then handshakes to time (default
     *     2000; a tenth more run first as a warm-up)
     * @throws Exception if a run fails
     */
    public static void main(String[] args) throws Exception {
        long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 2048) << 20;
        int handshakeCount = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        PrivateKey a = PrivateKey.generate(KeyType.ED25519);
        PrivateKey b = PrivateKey.generate(KeyType.ED25519);
        System.out.printf("%-56s %12s%n", "ChaChaPoly alone, 64 KiB messages", "MB/s");
        for (ChaChaPoly aead : forms()) {
            // Warm-up: the JIT's final code for the cipher takes a few seconds of sealing to arrive,
            // and a measurement before it understates the cipher (2.4 against 3.5 GB/s seen).
            long warmUntil = System.nanoTime() + (bytes >= 64L << 20 ? 3_000_000_000L : 0);
            do {
                aead(aead, bytes / 4);
            } while (System.nanoTime() < warmUntil);
            double best = 0;
            for (int i = 0; i < 3; i++) {
                best = Math.max(best, aead(aead, bytes));
            }
            System.out.printf("%-56s %12.0f%n", aead + " seal", best);
        }
        System.out.printf("%-56s %12s%n", "ChaChaPoly alone, short messages", "ns each");
        for (int size : new int[] {64, ChaChaPoly.BySize.SHORT, 1024}) {
            for (ChaChaPoly aead : forms()) {
                long count = bytes >= 64L << 20 ? 200_000 : 1_000; // 200 000 lets the JIT finish with each form
                shortMessages(aead, size, count); // warm-up
                double best = Double.MAX_VALUE;
                for (int i = 0; i < 3; i++) {
                    best = Math.min(best, shortMessages(aead, size, count));
                }
                System.out.printf("%-56s %12.0f%n", aead + " seal + open " + size + " B", best);
            }
        }
        System.out.printf("%-56s %12s%n", "noise, one connection", "MB/s");
        for (String link : new String[] {"pipe", "tcp"}) {
            throughput(link, a, b, bytes / 4);
            double best = 0;
            for (int i = 0; i < 3; i++) {
                best = Math.max(best, throughput(link, a, b, bytes));
            }
            System.out.printf("%-56s %12.0f%n", link, best);
        }
        handshakes(a, b, Math.max(1, handshakeCount / 10));
        System.out.printf("%-56s %12.0f%n", "handshakes/s (pipe, Ed25519)", handshakes(a, b, handshakeCount));
        keyOperations(a, handshakeCount);
        System.out.printf("(JDK %s, %d cores; best of 3 runs of %d MiB; connections use %s)%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), bytes >> 20, ChaChaPoly.chosen());
    }

    /** One of each ChaChaPoly form, new: the JDK's whole, the composed one, the one by size. */
    private static ChaChaPoly[] forms() {
        return new ChaChaPoly[] {new ChaChaPoly.Jdk(), new ChaChaPoly.Composed(), new ChaChaPoly.BySize()};
    }

    /** MB/s of sealing {@code bytes} in place in full Noise frames with one implementation. */
    private static double aead(ChaChaPoly aead, long bytes) throws Exception {
        javax.crypto.spec.SecretKeySpec key = new javax.crypto.spec.SecretKeySpec(new byte[32], "ChaCha20");
        byte[] frame = new byte[NoiseConnection.MAX_FRAME];
        byte[] nonce = new byte[12];
        long start = System.nanoTime();
        long done = 0;
        for (long n = 1; done < bytes; n++) {
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] = (byte) (n >>> (8 * i));
            }
            aead.seal(key, nonce, null, frame, 0, NoiseConnection.MAX_PLAINTEXT, frame, 0);
            done += NoiseConnection.MAX_PLAINTEXT;
        }
        return done / ((System.nanoTime() - start) / 1e9) / 1e6;
    }

    /**
     * Nanoseconds to seal one message of {@code size} bytes and open it again, averaged over
     * {@code count}: 64 bytes is a stream's opening or a ping, where the per-message setup outweighs
     * the bytes.
     */
    private static double shortMessages(ChaChaPoly aead, int size, long count) throws Exception {
        javax.crypto.spec.SecretKeySpec key = new javax.crypto.spec.SecretKeySpec(new byte[32], "ChaCha20");
        byte[] message = new byte[size + CipherState.TAG_LENGTH];
        byte[] nonce = new byte[12];
        long start = System.nanoTime();
        for (long n = 1; n <= count; n++) {
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] = (byte) (n >>> (8 * i));
            }
            aead.seal(key, nonce, null, message, 0, size, message, 0);
            aead.open(key, nonce, null, message, 0, message.length);
        }
        return (System.nanoTime() - start) / (double) count;
    }

    private static SecureConnection[] connect(RawConnections.Pair link, PrivateKey a, PrivateKey b, ExecutorService executor) throws Exception {
        Future<SecureConnection> inbound = executor.submit(() -> new NoiseSecureChannel(b).secureInbound(link.b(), List.of()));
        SecureConnection outbound = new NoiseSecureChannel(a).secureOutbound(link.a(), null, List.of());
        return new SecureConnection[] {outbound, inbound.get()};
    }

    private static double throughput(String kind, PrivateKey a, PrivateKey b, long bytes) throws Exception {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            SecureConnection[] c = connect(kind.equals("pipe") ? RawConnections.pipes() : RawConnections.tcp(), a, b, executor);
            Future<Long> sink = executor.submit(() -> {
                byte[] buf = new byte[256 * 1024];
                long total = 0;
                for (int n; total < bytes && (n = c[1].in().read(buf)) >= 0; ) {
                    total += n;
                }
                return total;
            });
            byte[] chunk = new byte[256 * 1024];
            long start = System.nanoTime();
            for (long sent = 0; sent < bytes; sent += chunk.length) {
                c[0].out().write(chunk);
            }
            c[0].out().flush();
            long received = sink.get();
            double seconds = (System.nanoTime() - start) / 1e9;
            c[0].close();
            c[1].close();
            if (received != bytes) {
                throw new IllegalStateException("received " + received + " of " + bytes);
            }
            return bytes / seconds / 1e6;
        }
    }

    /**
     * The key operations on a new connection's critical path, each timed alone (warm), and their sum:
     * the floor under a connection's setup time. In the XX handshake the two sides take turns, so
     * their operations add up: each side computes three agreements (ee, es, se), and each checks the
     * other's identity signature over its static key, unless it has checked that same signature
     * before (a reconnect; see VerifiedIdentities). Each side also makes an ephemeral key per
     * connection, but ahead of the handshake (EphemeralKeys): it costs a connection CPU, not time on
     * its path while a core is free. The static keys and our own signatures are made once per channel
     * (StaticIdentity) and are not on the path either.
     */
    private static void keyOperations(PrivateKey identity, int count) throws Exception {
        int n = Math.max(10, count);
        X25519 remote = X25519.generate();
        byte[] message = NoiseHandshake.signedBytes(remote.publicKey());
        byte[] signature = identity.sign(message);
        for (int round = 0; round < 2; round++) { // the first round is the warm-up
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                X25519.generate();
            }
            long t1 = System.nanoTime();
            X25519 local = X25519.generate();
            for (int i = 0; i < n; i++) {
                local.dh(remote.publicKey());
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (!identity.publicKey().verify(message, signature)) {
                    throw new IllegalStateException("the signature did not verify");
                }
            }
            long t3 = System.nanoTime();
            if (round == 1) {
                double generate = (t1 - t0) / 1e6 / n;
                double agree = (t2 - t1) / 1e6 / n;
                double verify = (t3 - t2) / 1e6 / n;
                double reconnect = 2 * generate + 6 * agree;
                System.out.printf("%-56s %12.3f%n", "X25519 key generation, ms", generate);
                System.out.printf("%-56s %12.3f%n", "X25519 agreement, ms", agree);
                System.out.printf("%-56s %12.3f%n", "Ed25519 verify, ms", verify);
                System.out.printf("%-56s %12.3f%n", "key ops per connection, known, ms", reconnect);
                System.out.printf("%-56s %12.3f%n", "key ops on the path, known, ms", 6 * agree);
                System.out.printf("%-56s %12.3f%n", "key ops per connection, new, ms", reconnect + 2 * verify);
            }
        }
    }

    /** Handshakes between two channels made once, as two hosts have them: the static keys are theirs. */
    private static double handshakes(PrivateKey a, PrivateKey b, int count) throws Exception {
        NoiseSecureChannel initiator = new NoiseSecureChannel(a);
        NoiseSecureChannel responder = new NoiseSecureChannel(b);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                RawConnections.Pair link = RawConnections.pipes();
                Future<SecureConnection> inbound = executor.submit(() -> responder.secureInbound(link.b(), List.of()));
                SecureConnection outbound = initiator.secureOutbound(link.a(), null, List.of());
                outbound.close();
                inbound.get().close();
            }
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }
}
