package org.jlibp2p.core.crypto;

import java.nio.charset.StandardCharsets;

/**
 * Sign and verify throughput for each key type, over a 56-byte message (the size of the Noise
 * handshake's signed payload). Not a test: run it with {@code scripts/bench-keys.sh}.
 */
public final class KeyBenchmark {
    private KeyBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args optional: seconds per measurement
     */
    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        byte[] message = "noise-libp2p-static-key:0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        System.out.printf("%-10s %14s %14s%n", "key type", "sign ops/s", "verify ops/s");
        for (KeyType type : KeyType.values()) {
            PrivateKey key = PrivateKey.generate(type);
            byte[] signature = key.sign(message);
            PublicKey publicKey = key.publicKey();
            measure(seconds / 4, () -> key.sign(message));            // warm-up
            measure(seconds / 4, () -> publicKey.verify(message, signature));
            double sign = measure(seconds, () -> key.sign(message));
            double verify = measure(seconds, () -> {
                if (!publicKey.verify(message, signature)) {
                    throw new AssertionError("verification failed");
                }
            });
            System.out.printf("%-10s %14.0f %14.0f%n", type, sign, verify);
        }
        System.out.printf("(JDK %s, %d cores)%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
    }

    private static double measure(double seconds, Runnable op) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long count = 0;
        while (System.nanoTime() < end) {
            op.run();
            count++;
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }
}
