package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jlibp2p.examples.ConsoleLoggerFinder.Levels;
import org.jlibp2p.examples.ToolRunner.Listener;
import org.jlibp2p.examples.ToolRunner.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Log levels per area, from {@code --log-level} and {@code JLIBP2P_LOG}, and {@code --trace} in time order. */
@Timeout(120)
class LoggingTest {
    @Test
    void levelsAreSetPerArea() {
        Levels l = Levels.DEFAULT.with("noise=trace,yamux=debug");
        assertThat(l.threshold("org.jlibp2p.noise", "noise")).isEqualTo(Level.TRACE);
        assertThat(l.threshold("org.jlibp2p.yamux", "yamux")).isEqualTo(Level.DEBUG);
        assertThat(l.threshold("org.jlibp2p.host", "host")).isEqualTo(Level.INFO);
        Levels quiet = Levels.DEFAULT.with("warning, org.jlibp2p.host = debug");
        assertThat(quiet.threshold("org.jlibp2p.tcp", "tcp")).isEqualTo(Level.WARNING);
        assertThat(quiet.threshold("org.jlibp2p.host", "host")).isEqualTo(Level.DEBUG);
        Levels all = Levels.DEFAULT.with("trace");
        assertThat(all.threshold("org.jlibp2p.tcp", "tcp")).isEqualTo(Level.TRACE);
        assertThat(all.threshold("jdk.event.security", "jdk.event.security")).as("the JDK's own loggers stay at INFO").isEqualTo(Level.INFO);
        assertThat(Levels.DEFAULT.with("off").threshold("org.jlibp2p.host", "host")).isEqualTo(Level.OFF);
        assertThatThrownBy(() -> Levels.DEFAULT.with("noise=loud")).hasMessageContaining("unknown log level 'loud'");
        assertThatThrownBy(() -> Levels.DEFAULT.with("=debug")).hasMessageContaining("names no area");
    }

    @Test
    void theEnvironmentAndTheOptionChooseWhatIsPrinted() throws Exception {
        try (Listener l = new Listener(Map.of())) {
            Run noise = ToolRunner.run(Map.of(ConsoleLoggerFinder.ENV, "noise=trace"), "ping", l.address);
            assertThat(noise.code()).isZero();
            assertThat(noise.err()).contains("noise -> message 1 (e)").doesNotContain("yamux ->", "multistream ->");
            Run yamux = ToolRunner.run(Map.of(ConsoleLoggerFinder.ENV, "noise=trace"), "ping", l.address, "--log-level", "noise=info,yamux=trace");
            assertThat(yamux.err()).contains("yamux -> WindowUpdate").doesNotContain("noise ->");
            Run silent = ToolRunner.run("ping", l.address, "--log-level", "off", "--trace");
            assertThat(silent.err()).as("--trace is TRACE everywhere").contains("noise ->");
        }
        Run bad = ToolRunner.run("version", "--log-level", "loud");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--log-level: unknown log level 'loud'");
        Run badEnv = ToolRunner.run(Map.of(ConsoleLoggerFinder.ENV, "x=y"), "version");
        assertThat(badEnv.code()).isEqualTo(2);
        assertThat(badEnv.err()).contains(ConsoleLoggerFinder.ENV);
    }

    @Test
    void traceLinesAreInTimeOrder() throws Exception {
        Pattern stamp = Pattern.compile("^\\[\\s*([0-9.]+) ms\\]");
        try (Listener l = new Listener(Map.of())) {
            for (int i = 0; i < 3; i++) {
                Run r = ToolRunner.run("echo", l.address, "--streams", "16", "--bytes", "64KiB", "--trace");
                assertThat(r.code()).isZero();
                List<Double> times = r.err().lines().map(stamp::matcher).filter(Matcher::find).map(m -> Double.parseDouble(m.group(1))).toList();
                assertThat(times).hasSizeGreaterThan(50).isSorted();
            }
        }
    }
}
