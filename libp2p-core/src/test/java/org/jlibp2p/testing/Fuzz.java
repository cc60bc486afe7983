package org.jlibp2p.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.jlibp2p.core.codec.LengthPrefixed;

/**
 * A small, dependency-free fuzz harness: feeds a decoder random inputs and mutations of valid ones
 * (bit flips, byte changes, insertions, deletions, truncations, extensions, splices). A run passes only
 * if all of these hold:
 *
 * <ol>
 *   <li>every seed decodes, and round-trips ({@code encode(decode(seed))} gives the seed back) or
 *       decodes to the value the test expects: a decoder that rejects valid input fails at once;</li>
 *   <li>at least a given share of the mutated inputs (those that differ from every seed) decodes: a
 *       decoder that rejects nearly everything fails, as does a mutator that only makes garbage;</li>
 *   <li>at least one input is rejected, so the error paths were exercised at all;</li>
 *   <li>every rejection is one of the exception types the decoder documents; any other exception
 *       (a {@link NullPointerException}, an {@link ArrayIndexOutOfBoundsException}, an
 *       {@link OutOfMemoryError}...) fails the run with the input that caused it, in hex.</li>
 * </ol>
 *
 * <pre>{@code
 * Fuzz.decoder("varint", bytes -> Varint.read(bytes, 0))
 *         .seeds(List.of(Varint.encode(300), new byte[] {0}))
 *         .roundTrip(Varint::encode)
 *         .rejects(MalformedMessageException.class)
 *         .decodedShareAtLeast(0.20)
 *         .run();
 * }</pre>
 *
 * <p>The random seed is fixed, so a failure replays. A quarter of the inputs are random bytes, the
 * rest mutations of the seeds. Each run prints one line with what it measured (inputs, the share of
 * mutated and of random inputs that decoded, the rejections by type), which is where the floors in
 * the tests come from.
 *
 * <p>By default each run feeds {@value #DEFAULT_ITERATIONS} inputs, which keeps the normal build
 * quick. For a long run, set the system property {@value #ITERATIONS_PROPERTY} to the number of inputs
 * per run, for example {@code mvn -B -o test -Dtest='*FuzzTest' -Djlibp2p.fuzz.iterations=2000000}
 * (Surefire passes {@code -D} properties given to Maven on to the tests). The success floors are
 * shares, so they hold at any count; below a few thousand inputs a share is too noisy to judge.
 */
public final class Fuzz {
    /** Inputs per run by default: enough for the normal test run to stay quick. */
    public static final int DEFAULT_ITERATIONS = 20_000;
    /** The system property that sets the number of inputs per run. */
    public static final String ITERATIONS_PROPERTY = "jlibp2p.fuzz.iterations";

    /**
     * A decoder under test.
     *
     * @param <T> what it decodes to
     */
    @FunctionalInterface
    public interface Decoder<T> {
        /**
         * Decodes an input.
         *
         * @param input the bytes
         * @return the decoded value
         * @throws Exception anything; the harness decides whether it is allowed
         */
        T decode(byte[] input) throws Exception;
    }

    /**
     * The inverse of a decoder, for the round trip of the seeds.
     *
     * @param <T> what it encodes
     */
    @FunctionalInterface
    public interface Encoder<T> {
        /**
         * Encodes a decoded value.
         *
         * @param value the value
         * @return its bytes
         * @throws Exception if encoding fails (which fails the run)
         */
        byte[] encode(T value) throws Exception;
    }

    private Fuzz() {}

    /**
     * {@return how many inputs to run per decoder: {@value #ITERATIONS_PROPERTY}, or {@value #DEFAULT_ITERATIONS}}
     */
    public static int iterations() {
        int n = Integer.getInteger(ITERATIONS_PROPERTY, DEFAULT_ITERATIONS);
        if (n < 1) {
            throw new IllegalArgumentException(ITERATIONS_PROPERTY + " must be positive, not " + n);
        }
        return n;
    }

    /**
     * {@return a message with its unsigned-varint length in front}, as {@link LengthPrefixed} writes
     * it: seeds for decoders that read length-prefixed messages from a stream.
     *
     * @param message the message
     */
    public static byte[] lengthPrefixed(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            LengthPrefixed.write(out, message);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /**
     * Starts describing a run.
     *
     * @param name    names the decoder in the report and in failures
     * @param decoder the decoder
     * @param <T>     what it decodes to
     * @return the run, to be given seeds, their check, the allowed exceptions and a success floor
     */
    public static <T> Run<T> decoder(String name, Decoder<T> decoder) {
        return new Run<>(name, decoder);
    }

    /**
     * What a run measured.
     *
     * @param name           the decoder's name
     * @param inputs         inputs fed, seeds not counted
     * @param mutated        mutated inputs that differ from every seed
     * @param mutatedDecoded how many of those decoded
     * @param random         random inputs
     * @param randomDecoded  how many of those decoded
     * @param rejections     rejections by exception type (simple name)
     */
    public record Report(String name, int inputs, int mutated, int mutatedDecoded, int random, int randomDecoded,
                         Map<String, Integer> rejections) {
        /** {@return the share of mutated inputs that decoded, 0 to 1} */
        public double mutatedShare() {
            return mutated == 0 ? 0 : (double) mutatedDecoded / mutated;
        }

        /** {@return the share of random inputs that decoded, 0 to 1} */
        public double randomShare() {
            return random == 0 ? 0 : (double) randomDecoded / random;
        }

        /** {@return how many inputs were rejected} */
        public int rejected() {
            return rejections.values().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public String toString() {
            return String.format("fuzz %s: %d inputs; %d mutated, %.2f%% decoded; %d random, %.2f%% decoded; rejected %s",
                    name, inputs, mutated, 100 * mutatedShare(), random, 100 * randomShare(), rejections);
        }
    }

    /**
     * One fuzz run, described step by step, then {@link #run()}.
     *
     * @param <T> what the decoder decodes to
     */
    public static final class Run<T> {
        private final String name;
        private final Decoder<T> decoder;
        private final List<byte[]> seeds = new ArrayList<>();
        private final Map<Integer, Object> expected = new LinkedHashMap<>();
        private Encoder<T> encoder;
        private final List<Class<? extends Throwable>> allowed = new ArrayList<>();
        private double floor = Double.NaN;

        private Run(String name, Decoder<T> decoder) {
            this.name = name;
            this.decoder = decoder;
        }

        /**
         * Adds valid inputs, to be checked by {@link #roundTrip} and mutated.
         *
         * @param valid the inputs
         * @return this run
         */
        public Run<T> seeds(List<byte[]> valid) {
            seeds.addAll(valid);
            return this;
        }

        /**
         * Adds a valid input and the value it must decode to (compared with {@link Objects#deepEquals}).
         *
         * @param valid the input
         * @param value what it decodes to
         * @return this run
         */
        public Run<T> seed(byte[] valid, T value) {
            expected.put(seeds.size(), value);
            seeds.add(valid);
            return this;
        }

        /**
         * Checks every seed given without an expected value by its round trip: encoding what it
         * decodes to must give the seed back, byte for byte.
         *
         * @param inverse the encoder
         * @return this run
         */
        public Run<T> roundTrip(Encoder<T> inverse) {
            this.encoder = inverse;
            return this;
        }

        /**
         * The exceptions the decoder documents for bad input (subclasses included); any other fails.
         *
         * @param types the exception types
         * @return this run
         */
        @SafeVarargs
        public final Run<T> rejects(Class<? extends Throwable>... types) {
            allowed.addAll(List.of(types));
            return this;
        }

        /**
         * The least share of mutated inputs that must decode.
         *
         * @param share above 0, at most 1; set it well below what the run measures
         * @return this run
         */
        public Run<T> decodedShareAtLeast(double share) {
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("a floor must be above 0 and at most 1, not " + share);
            }
            this.floor = share;
            return this;
        }

        /**
         * Checks the seeds, feeds {@link #iterations()} inputs, and checks the outcome.
         *
         * @return what was measured
         * @throws AssertionError if a seed fails its check, an input throws an exception not allowed,
         *                        too few mutated inputs decode, or none is rejected
         */
        public Report run() {
            if (seeds.isEmpty()) {
                throw new IllegalStateException(name + ": a run needs valid seeds");
            }
            if (encoder == null && expected.size() < seeds.size()) {
                throw new IllegalStateException(name + ": every seed needs a round trip or an expected value");
            }
            if (Double.isNaN(floor)) {
                throw new IllegalStateException(name + ": a run needs a floor for the share of decoded inputs");
            }
            checkSeeds();
            Set<ByteBuffer> unchanged = new HashSet<>();
            for (byte[] s : seeds) {
                unchanged.add(ByteBuffer.wrap(s));
            }
            Random random = new Random(0x11b2b);
            int n = iterations();
            int mutated = 0;
            int mutatedDecoded = 0;
            int randomInputs = 0;
            int randomDecoded = 0;
            Map<String, Integer> rejections = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                boolean isRandom = i % 4 == 0;
                byte[] input = isRandom ? randomBytes(random) : mutate(seeds.get(random.nextInt(seeds.size())), seeds, random);
                boolean counts = isRandom || !unchanged.contains(ByteBuffer.wrap(input));
                boolean decoded;
                try {
                    decoder.decode(input);
                    decoded = true;
                } catch (Throwable t) {
                    if (allowed.stream().noneMatch(a -> a.isInstance(t))) {
                        throw new AssertionError(name + ": input " + i + " (" + HexFormat.of().formatHex(input) + ") threw " + t
                                + ", which is not one of " + allowed.stream().map(Class::getSimpleName).toList(), t);
                    }
                    rejections.merge(t.getClass().getSimpleName(), 1, Integer::sum);
                    decoded = false;
                }
                if (isRandom) {
                    randomInputs++;
                    randomDecoded += decoded ? 1 : 0;
                } else if (counts) {
                    mutated++;
                    mutatedDecoded += decoded ? 1 : 0;
                }
            }
            Report report = new Report(name, n, mutated, mutatedDecoded, randomInputs, randomDecoded, rejections);
            System.out.println(report);
            if (report.mutatedShare() < floor) {
                throw new AssertionError(String.format("%s: only %.2f%% of the mutated inputs decoded, below the floor of %.2f%% (%s)",
                        name, 100 * report.mutatedShare(), 100 * floor, report));
            }
            if (report.rejected() == 0) {
                throw new AssertionError(name + ": no input was rejected, so no error path was exercised (" + report + ")");
            }
            return report;
        }

        private void checkSeeds() {
            for (int i = 0; i < seeds.size(); i++) {
                byte[] seed = seeds.get(i);
                String which = name + ": seed " + i + " (" + HexFormat.of().formatHex(seed) + ")";
                T value;
                try {
                    value = decoder.decode(seed);
                } catch (Exception e) {
                    throw new AssertionError(which + " must decode, but threw " + e, e);
                }
                if (expected.containsKey(i)) {
                    Object want = expected.get(i);
                    if (!Objects.deepEquals(value, want)) {
                        throw new AssertionError(which + " decoded to " + describe(value) + ", expected " + describe(want));
                    }
                    continue;
                }
                byte[] again;
                try {
                    again = encoder.encode(value);
                } catch (Exception e) {
                    throw new AssertionError(which + " decoded to " + describe(value) + ", which does not encode: " + e, e);
                }
                if (!Arrays.equals(again, seed)) {
                    throw new AssertionError(which + " decoded to " + describe(value) + ", which encodes to "
                            + HexFormat.of().formatHex(again) + ": the round trip changed it");
                }
            }
        }
    }

    private static String describe(Object value) {
        return value instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(value);
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
