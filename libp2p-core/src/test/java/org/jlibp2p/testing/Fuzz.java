package org.jlibp2p.testing;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * A small, dependency-free fuzz harness: feeds a decoder random inputs and mutations of valid ones
 * (bit flips, byte changes, insertions, deletions, truncations, extensions, splices), and fails on
 * any outcome but a result or one of the documented exception types. The seed is fixed, so a failure
 * replays; {@code -Djlibp2p.fuzz.iterations=N} runs longer than the default.
 */
public final class Fuzz {
    /** Inputs per decoder by default: enough for the normal test run to stay quick. */
    public static final int DEFAULT_ITERATIONS = 20_000;

    /** A decoder under test. */
    @FunctionalInterface
    public interface Decoder {
        /**
         * Decodes an input.
         *
         * @param input the bytes
         * @throws Exception anything; the harness decides whether it is allowed
         */
        void decode(byte[] input) throws Exception;
    }

    private Fuzz() {}

    /** {@return how many inputs to run per decoder} */
    public static int iterations() {
        return Integer.getInteger("jlibp2p.fuzz.iterations", DEFAULT_ITERATIONS);
    }

    /**
     * Runs the fuzzer.
     *
     * @param seeds   valid inputs to mutate
     * @param decoder the decoder
     * @param allowed the exception types the decoder documents
     * @return the number of inputs run
     */
    @SafeVarargs
    public static int run(List<byte[]> seeds, Decoder decoder, Class<? extends Throwable>... allowed) {
        Random random = new Random(0x11b2b);
        int n = iterations();
        for (int i = 0; i < n; i++) {
            byte[] input = i % 4 == 0 || seeds.isEmpty() ? randomBytes(random) : mutate(seeds.get(random.nextInt(seeds.size())), seeds, random);
            try {
                decoder.decode(input);
            } catch (Throwable t) {
                if (Arrays.stream(allowed).noneMatch(a -> a.isInstance(t))) {
                    throw new AssertionError("input " + i + " (" + HexFormat.of().formatHex(input) + ") threw " + t, t);
                }
            }
        }
        return n;
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(64)];
        random.nextBytes(b);
        return b;
    }

    private static byte[] mutate(byte[] seed, List<byte[]> seeds, Random random) {
        byte[] b = seed.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            switch (random.nextInt(7)) {
                case 0 -> {
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> {
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] = (byte) (random.nextBoolean() ? 0xff : random.nextInt(256));
                    }
                }
                case 2 -> {
                    int at = random.nextInt(b.length + 1);
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) random.nextInt(256);
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                case 3 -> {
                    if (b.length > 0) {
                        int at = random.nextInt(b.length);
                        byte[] c = new byte[b.length - 1];
                        System.arraycopy(b, 0, c, 0, at);
                        System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                        b = c;
                    }
                }
                case 4 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1));
                case 5 -> {
                    byte[] extra = new byte[1 + random.nextInt(16)];
                    random.nextBytes(extra);
                    byte[] c = Arrays.copyOf(b, b.length + extra.length);
                    System.arraycopy(extra, 0, c, b.length, extra.length);
                    b = c;
                }
                default -> {
                    byte[] other = seeds.get(random.nextInt(seeds.size()));
                    int cut = random.nextInt(b.length + 1);
                    int from = random.nextInt(other.length + 1);
                    byte[] c = Arrays.copyOf(b, cut + other.length - from);
                    System.arraycopy(other, from, c, cut, other.length - from);
                    b = c;
                }
            }
        }
        return b;
    }
}
