package org.jlibp2p.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a benchmark command's {@code main} on tiny sizes and returns what it printed, so that a smoke
 * test keeps every benchmark working. The figures of such a run mean nothing (nothing is warm) and
 * are never compared with a target: tests check behaviour, benchmarks measure speed.
 */
public final class BenchmarkRun {
    /**
     * A printed row: a label, then one or more figures, the first of which is returned. A figure may
     * be negative: a difference such as RSS after against before can be, on tiny sizes.
     */
    private static final Pattern ROW = Pattern.compile("^(\\S.*?)\\s{2,}(-?[0-9]+(?:\\.[0-9]+)?)(?:\\s.*)?$");

    private BenchmarkRun() {}

    /** A benchmark's entry point. */
    @FunctionalInterface
    public interface Main {
        /**
         * Runs the benchmark.
         *
         * @throws Exception if it fails
         */
        void run() throws Exception;
    }

    /**
     * Runs {@code main} with {@code System.out} captured (tests of one module run one at a time).
     *
     * @param main the benchmark
     * @return the rows it printed, label to first figure, in order
     * @throws Exception if the benchmark fails
     */
    public static Map<String, Double> rows(Main main) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        Map<String, Double> rows = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = ROW.matcher(line.strip());
            if (m.matches()) {
                rows.put(m.group(1).strip(), Double.parseDouble(m.group(2)));
            }
        }
        return rows;
    }
}
