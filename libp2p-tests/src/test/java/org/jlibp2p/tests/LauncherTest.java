package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/jlibp2p}, the launcher of the README: it finds a Java 21+ by itself, so the README's
 * commands work on a machine whose default {@code java} is older, and says what it looked at when
 * there is none. It runs the jar that {@code mvn package} builds before this module's tests.
 */
@Timeout(120)
class LauncherTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path LAUNCHER = ROOT.resolve("bin").resolve("jlibp2p");
    private static final Path JAR = ROOT.resolve("libp2p-examples").resolve("target").resolve("jlibp2p.jar");

    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {}

    @BeforeAll
    static void needsBashAndTheJar() {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")),
                "bash not found: the launcher is a bash script, not tested here");
        assertThat(LAUNCHER).isExecutable();
        if (!Files.isRegularFile(JAR)) {
            if (System.getenv("CI") != null) {
                fail(JAR + " is missing: under CI the launcher must be tested (mvn package builds the jar before this module's tests)");
            }
            assumeTrue(false, JAR + " is not built (mvn -B package builds it before this module's tests): launcher tests skipped");
        }
    }

    /** Runs a script with exactly this environment (no JAVA_HOME unless given). */
    private static Result bash(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        // Small outputs: read both after the end.
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher ends").isTrue();
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static int major(Path jdk) {
        try {
            return Files.readAllLines(jdk.resolve("release")).stream().filter(l -> l.startsWith("JAVA_VERSION=\""))
                    .map(l -> l.replaceAll("JAVA_VERSION=\"(1\\.)?(\\d+).*", "$2")).mapToInt(Integer::parseInt).findFirst().orElse(0);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** {@return an installed Java older than 21, to be the default java, if this machine has one} */
    private static Optional<Path> oldJava() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> all = Files.list(jvms)) {
            return all.filter(d -> Files.isExecutable(d.resolve("bin/java")) && major(d) > 0 && major(d) < 21).findFirst();
        }
    }

    /** A PATH whose first {@code java} is older than 21 when the machine has one, with bash's usual tools. */
    private String pathWithOldJava() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("old-java-bin"));
        Optional<Path> old = oldJava();
        if (old.isPresent()) {
            Files.createSymbolicLink(bin.resolve("java"), old.get().resolve("bin/java"));
        }
        return bin + ":/usr/bin:/bin";
    }

    @Test
    void theReadmeCommandsRunWhenTheDefaultJavaIsOlderThan21() throws Exception {
        Map<String, String> env = Map.of("PATH", pathWithOldJava(), "HOME", System.getProperty("user.home"));
        Optional<Path> old = oldJava();
        if (old.isPresent()) {
            assertThat(bash(env, "-c", "java -version").err()).as("the default java").contains("version \"" + major(old.get()));
        }
        Result version = bash(env, "bin/jlibp2p", "--version");
        assertThat(version.code()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("jlibp2p ");
        String javaLine = version.out().lines().filter(l -> l.startsWith("Java ")).findFirst().orElseThrow();
        assertThat(Integer.parseInt(javaLine.replaceAll("Java (\\d+).*", "$1"))).isGreaterThanOrEqualTo(21);
        Result help = bash(env, "bin/jlibp2p", "help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("commands:", "chat");
    }

    @Test
    void withoutAJava21ItSaysWhatItLookedAt() throws Exception {
        Map<String, String> env = Map.of("PATH", pathWithOldJava(), "JDK_DIRS", tmp.resolve("no-jdks") + "/*");
        Result r = bash(env, "bin/jlibp2p", "--version");
        assertThat(r.code()).isNotZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("no JDK 21 or newer found", "JAVA_HOME (not set)", "java on the PATH", tmp.resolve("no-jdks") + "/*",
                "point JAVA_HOME at it");
    }

    @Test
    void aMissingJarIsNamedWithTheCommandThatBuildsIt() throws Exception {
        Path copy = tmp.resolve("checkout");
        Files.createDirectories(copy.resolve("bin"));
        Files.createDirectories(copy.resolve("scripts"));
        Files.copy(LAUNCHER, copy.resolve("bin/jlibp2p"));
        Files.copy(ROOT.resolve("scripts/jdk.sh"), copy.resolve("scripts/jdk.sh"));
        Result r = bash(Map.of("PATH", "/usr/bin:/bin", "HOME", System.getProperty("user.home")), copy.resolve("bin/jlibp2p").toString(), "help");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("jlibp2p.jar is missing", "mvn -B package -DskipTests");
    }

    /** The launcher finds its checkout however it is reached: relative paths, a link to it, a linked folder. */
    @Test
    void theLauncherFindsItsCheckoutThroughLinksAndRelativePaths() throws Exception {
        Path links = Files.createDirectories(tmp.resolve("links"));
        Files.createSymbolicLink(links.resolve("jlibp2p"), LAUNCHER);
        Files.createSymbolicLink(links.resolve("linked-bin"), ROOT.resolve("bin"));
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "HOME", System.getProperty("user.home"),
                "JAVA_HOME", System.getProperty("java.home"));
        List<String> ways = List.of("bin/jlibp2p", "./bin/jlibp2p", LAUNCHER.toString(), "cd bin && ./jlibp2p",
                links.resolve("jlibp2p").toString(), links.resolve("linked-bin/jlibp2p").toString(), "cd " + links + " && ./linked-bin/jlibp2p");
        for (String way : ways) {
            Result r = bash(env, "-c", way + " --version");
            assertThat(r.code()).as("%s: %s", way, r.err()).isZero();
            assertThat(r.out()).as(way).startsWith("jlibp2p ");
        }
    }

    /** A checkout with the launcher, the jar and a file in place of the cache (the JVM warns and goes on). */
    private Path checkoutWithACache() throws IOException {
        Path copy = tmp.resolve("checkout");
        Files.createDirectories(copy.resolve("bin"));
        Files.createDirectories(copy.resolve("scripts"));
        Files.createDirectories(copy.resolve("libp2p-examples/target"));
        Files.copy(LAUNCHER, copy.resolve("bin/jlibp2p"));
        Files.copy(ROOT.resolve("scripts/jdk.sh"), copy.resolve("scripts/jdk.sh"));
        Files.copy(JAR, copy.resolve("libp2p-examples/target/jlibp2p.jar"));
        Files.writeString(copy.resolve("libp2p-examples/target/jlibp2p.aot"), "not a cache: the JVM warns and goes on");
        return copy;
    }

    /** {@return the launcher's environment with this test's JDK, the JVM printing the flags it was given} */
    private static Map<String, String> printingFlags() {
        return Map.of("PATH", "/usr/bin:/bin", "HOME", System.getProperty("user.home"),
                "JAVA_HOME", System.getProperty("java.home"), "JLIBP2P_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
    }

    private static String runtimeVersion() throws IOException {
        return Files.readAllLines(Path.of(System.getProperty("java.home"), "release")).stream()
                .filter(l -> l.startsWith("JAVA_RUNTIME_VERSION=")).map(l -> l.substring(l.indexOf('=') + 1).replace("\"", ""))
                .findFirst().orElse("");
    }

    @Test
    void anAheadOfTimeCacheBesideTheJarIsPassedToTheJdkThatMadeIt() throws Exception {
        Path copy = checkoutWithACache();
        Path aot = copy.resolve("libp2p-examples/target/jlibp2p.aot");
        Path madeBy = copy.resolve("libp2p-examples/target/jlibp2p.aot.jdk");
        Map<String, String> env = printingFlags();

        String version = runtimeVersion();
        Files.writeString(madeBy, System.getProperty("java.home") + "\n" + version + "\n");
        Result r = bash(env, copy.resolve("bin/jlibp2p").toString(), "--version");
        assertThat(r.code()).as(r.err()).isZero();
        if (Runtime.version().feature() >= 25) {
            assertThat(r.out()).contains("-XX:AOTCache=" + aot);
        } else {
            assertThat(r.out()).doesNotContain("AOTCache");
        }
        if (Runtime.version().feature() >= 22) {
            assertThat(r.out()).as("no 300 ms wait at exit for the socket poller").contains("-XX:UserThreadWaitAttemptsAtExit=0");
        }
        assertThat(r.out()).contains("jlibp2p ");

        Files.writeString(madeBy, "/another/jdk\n" + version + "\n");
        Result other = bash(env, copy.resolve("bin/jlibp2p").toString(), "--version");
        assertThat(other.code()).as(other.err()).isZero();
        assertThat(other.out()).as("a cache made by another JDK is left out").doesNotContain("AOTCache");

        Files.writeString(madeBy, System.getProperty("java.home") + "\n" + version + "-older\n");
        Result updated = bash(env, copy.resolve("bin/jlibp2p").toString(), "--version");
        assertThat(updated.out()).as("a cache made by another build of this JDK (updated in place) is left out").doesNotContain("AOTCache");

        Files.writeString(madeBy, System.getProperty("java.home") + "\n" + version + "\n");
        Files.setLastModifiedTime(aot, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Result stale = bash(env, copy.resolve("bin/jlibp2p").toString(), "--version");
        assertThat(stale.out()).as("a cache older than the jar is left out").doesNotContain("AOTCache");
    }

    /**
     * The cache holds the training run's method profiles: a long-running command (a listener, a
     * measurement, {@code ping --repeat}) replays them, any other turns their replay off with the
     * options written beside the cache. A short command (one connection, a few round trips) runs
     * with C1 alone, unless it makes a new RSA key, which needs C2's BigInteger code. A series of up
     * to 2000 connections ({@code ping --repeat}) runs with C1 alone too, compiling early.
     */
    @Test
    void theLauncherSuitsTheJitToHowLongTheCommandRuns() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the ahead-of-time cache needs JDK 25+");
        Path copy = checkoutWithACache();
        Files.writeString(copy.resolve("libp2p-examples/target/jlibp2p.aot.jdk"), System.getProperty("java.home") + "\n" + runtimeVersion()
                + "\n-XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining\n");
        Map<String, String> env = printingFlags();
        String launcher = copy.resolve("bin/jlibp2p").toString();
        record Expected(boolean replays, boolean c1Alone, boolean compilesEarly) {
            Expected(boolean replays, boolean c1Alone) {
                this(replays, c1Alone, false);
            }
        }
        Map<List<String>, Expected> expected = new LinkedHashMap<>();
        expected.put(List.of("version"), new Expected(false, false));
        expected.put(List.of("ping", "--help"), new Expected(false, true));
        expected.put(List.of("identify", "--help"), new Expected(false, true));
        expected.put(List.of("kv", "--help"), new Expected(false, true));
        expected.put(List.of("ping", "--key-type", "rsa", "--help"), new Expected(false, false));
        expected.put(List.of("identify", "--key-type=rsa", "--help"), new Expected(false, false));
        expected.put(List.of("ping", "--key-type", "RSA", "--help"), new Expected(false, false));
        expected.put(List.of("kv", "/ip4/127.0.0.1/tcp/1", "get", "rsa", "--help"), new Expected(false, true));
        expected.put(List.of("ping", "--repeat", "0", "--help"), new Expected(false, true));
        expected.put(List.of("ping", "--repeat", "5", "--help"), new Expected(true, true, true));
        expected.put(List.of("ping", "--repeat=0200", "--help"), new Expected(true, true, true));
        expected.put(List.of("ping", "--repeat", "2000", "--help"), new Expected(true, true, true));
        expected.put(List.of("ping", "--repeat", "2001", "--help"), new Expected(true, false));
        expected.put(List.of("ping", "--repeat", "123456789012345678901", "--help"), new Expected(true, false));
        expected.put(List.of("ping", "--repeat", "many", "--help"), new Expected(false, true));
        expected.put(List.of("ping", "--repeat", "+5", "--help"), new Expected(true, true, true));
        expected.put(List.of("ping", "--repeat", "00", "--help"), new Expected(false, true));
        expected.put(List.of("ping", "--repeat", "-5", "--help"), new Expected(false, true));
        expected.put(List.of("ping", "--repeat", "0x10", "--help"), new Expected(false, true));
        expected.put(List.of("ping", "--repeat=", "--help"), new Expected(false, true));
        expected.put(List.of("ping", "--repeat=2001", "--key-type", "rsa", "--help"), new Expected(true, false));
        expected.put(List.of("ping", "--repeat=5", "--key", "rsa", "--help"), new Expected(true, false));
        expected.put(List.of("listen", "--help"), new Expected(true, false));
        expected.put(List.of("relay", "--help"), new Expected(true, false));
        expected.put(List.of("perf", "--help"), new Expected(true, false));
        expected.put(List.of("rates", "--help"), new Expected(true, false));
        expected.put(List.of("echo", "--help"), new Expected(false, false));
        expected.put(List.of("send-file", "--help"), new Expected(false, false));
        for (Map.Entry<List<String>, Expected> e : expected.entrySet()) {
            List<String> args = new ArrayList<>(List.of(launcher));
            args.addAll(e.getKey());
            Result r = bash(env, args.toArray(String[]::new));
            assertThat(r.code()).as("%s: %s", e.getKey(), r.err()).isZero();
            assertThat(r.out()).as("%s", e.getKey()).contains("-XX:AOTCache=")
                    .contains(e.getValue().replays() ? "-XX:+AOTReplayTraining" : "-XX:-AOTReplayTraining");
            if (e.getValue().c1Alone()) {
                assertThat(r.out()).as("%s: C1 alone", e.getKey()).contains("-XX:TieredStopAtLevel=1");
            } else {
                assertThat(r.out()).as("%s: both compilers", e.getKey()).doesNotContain("TieredStopAtLevel");
            }
            if (e.getValue().compilesEarly()) {
                assertThat(r.out()).as("%s: compiles early", e.getKey()).contains("-XX:CompileThresholdScaling=0.05");
            } else {
                assertThat(r.out()).as("%s: the usual counts", e.getKey()).doesNotContain("CompileThresholdScaling");
            }
        }
        // The count missing at the end: the launcher still runs the tool, which says what is wrong.
        Result trailing = bash(env, launcher, "ping", "--repeat");
        assertThat(trailing.err()).contains("--repeat needs a value");
    }

    /**
     * The launcher keeps the JDK's ChaCha20-Poly1305 chain out of the callers of Noise's
     * {@code CipherState} (see the Noise README, "The JIT"), and the JDK's socket read and write out
     * of theirs, by naming their methods: the names must still match methods there (a name that
     * matches nothing is silently no option at all), and the JVM must not confirm the commands on
     * stdout, which {@code --json} keeps for JSON.
     */
    @Test
    void theCompileCommandsNameExistingMethodsAndLeaveStdoutToTheTool() throws Exception {
        String launcher = Files.readString(LAUNCHER);
        Matcher command = Pattern.compile("-XX:CompileCommand=dontinline,([\\w.$]+)::([*\\w]+)").matcher(launcher);
        Map<String, List<String>> matchedByCommand = new LinkedHashMap<>();
        while (command.find()) {
            Pattern names = Pattern.compile(command.group(2).replace("*", ".*"));
            Class<?> named = Class.forName(command.group(1), false, getClass().getClassLoader());
            List<String> matched = Stream.of(named.getDeclaredMethods()).map(Method::getName).filter(n -> names.matcher(n).matches()).toList();
            matchedByCommand.put(command.group(1) + "::" + command.group(2), matched);
        }
        assertThat(launcher.split("CompileCommand=dontinline", -1)).as("every dontinline is written Class::method, so that it is checked here")
                .hasSize(matchedByCommand.size() + 1);
        assertThat(matchedByCommand).as("bin/jlibp2p names the methods not to inline").containsOnlyKeys(
                "org.jlibp2p.noise.CipherState::*crypt*", "sun.nio.ch.NioSocketImpl::read", "sun.nio.ch.NioSocketImpl::write");
        assertThat(matchedByCommand.get("org.jlibp2p.noise.CipherState::*crypt*")).as("the transport messages' methods")
                .contains("encrypt", "encryptInPlace", "decryptInPlace");
        assertThat(matchedByCommand.get("sun.nio.ch.NioSocketImpl::read")).as("the socket's read").isNotEmpty();
        assertThat(matchedByCommand.get("sun.nio.ch.NioSocketImpl::write")).as("the socket's write").isNotEmpty();

        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "HOME", System.getProperty("user.home"),
                "JAVA_HOME", System.getProperty("java.home"));
        Result r = bash(env, LAUNCHER.toString(), "version", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip()).startsWith("{\"action\":\"version\"").endsWith("}").doesNotContain("CompileCommand");
    }

    /**
     * Huge pages for the heap where the kernel gives them on request, and only there: elsewhere the
     * JVM would warn on every run that it cannot have them.
     */
    @Test
    void transparentHugePagesAreAskedForOnlyWhereTheKernelGivesThemOnRequest() throws Exception {
        Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        boolean madvise = Files.isReadable(thp) && Files.readString(thp).contains("[madvise]");
        Map<String, String> env = printingFlags();
        Result r = bash(env, LAUNCHER.toString(), "version", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().contains("-XX:+UseTransparentHugePages")).as("asked for, with the kernel's mode %s", madvise ? "madvise" : "not madvise")
                .isEqualTo(madvise);
        assertThat(r.err()).as("no warning from the JVM").doesNotContainIgnoringCase("warning");
    }

    /**
     * The cache {@code mvn package} made with this JDK (25+) is one the JVM can use (AOTMode=on fails
     * otherwise), and it holds the training run's method profiles, which the long-running commands
     * replay: code compiled by C1 alone gathers none, so a training run with the launcher's options
     * for {@code ping --repeat} would leave the cache without them.
     */
    @Test
    void thePackagedAheadOfTimeCacheLoads() throws Exception {
        Path aot = JAR.resolveSibling("jlibp2p.aot");
        if (Runtime.version().feature() < 25) {
            assertThat(aot).as("no cache for a JDK before 25").doesNotExist();
            return;
        }
        assertThat(aot).as("mvn package trains a cache with JDK 25+").exists();
        List<String> made = Files.readAllLines(JAR.resolveSibling("jlibp2p.aot.jdk"));
        String madeBy = made.get(0);
        assertThat(made).as("the JDK, its version and the options that turn the profiles' replay off").hasSize(3);
        assertThat(made.get(2)).as("JDK 25 knows the option").contains("-XX:-AOTReplayTraining");
        assertThat(Path.of(madeBy).toRealPath()).isEqualTo(Path.of(System.getProperty("java.home")).toRealPath());
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "HOME", System.getProperty("user.home"),
                "JAVA_HOME", madeBy, "JLIBP2P_JAVA_OPTS", "-XX:AOTMode=on");
        Result r = bash(env, LAUNCHER.toString(), "--version");
        assertThat(r.code()).as("the JVM maps the cache: %s", r.err()).isZero();
        assertThat(r.out()).contains("jlibp2p ");

        // The JDK's diagnostic listing of the cache's training data (megabytes, to a file): "mdo=0x..."
        // for a method with a profile.
        Path listing = Files.createTempFile("aot-training", ".txt");
        try {
            Process p = new ProcessBuilder(Path.of(madeBy, "bin", "java").toString(), "-XX:AOTCache=" + aot, "-XX:+UnlockDiagnosticVMOptions",
                    "-XX:+AOTPrintTrainingInfo", "-jar", JAR.toString(), "--version")
                    .redirectErrorStream(true).redirectOutput(listing.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the JVM lists the cache").isTrue();
            assertThat(p.exitValue()).isZero();
            long profiled;
            try (var lines = Files.lines(listing)) {
                profiled = lines.filter(l -> l.contains(" mdo=0x")).count();
            }
            assertThat(profiled).as("methods with a profile in the cache").isGreaterThan(500);
        } finally {
            Files.deleteIfExists(listing);
        }
    }
}
