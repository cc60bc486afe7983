package org.jlibp2p.tests.interop;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A js-libp2p node from npm ({@code interop/js-peer}), driven as a subprocess. Every process is
 * bounded in time and killed in {@link #close()}.
 *
 * <p>Without node the tests that need it are skipped with a message that says so; under CI (the
 * {@code CI} environment variable) a missing node is a failure instead, since there they must run.
 */
final class JsPeer implements AutoCloseable {
    static final Path DIR = Path.of("..", "interop", "js-peer").toAbsolutePath().normalize();
    private static volatile Boolean ready;

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();

    private JsPeer(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true));
        Thread.ofVirtual().start(() -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false));
    }

    private void pump(BufferedReader reader, boolean out) {
        try (reader) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (out) {
                    lines.add(line);
                } else {
                    synchronized (stderr) {
                        stderr.append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Skips (or, under CI, fails) when node is missing; installs the peer's packages once. */
    static void requireNode() throws Exception {
        if (ready == null) {
            ready = install();
        }
        if (!ready) {
            String why = "node (and npm) not found: the js-libp2p interoperability tests need them";
            if (System.getenv("CI") != null) {
                fail(why + ", and under CI they must run");
            }
            assumeTrue(false, why + "; skipped");
        }
    }

    private static boolean install() throws Exception {
        try {
            Process v = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (!v.waitFor(20, TimeUnit.SECONDS) || v.exitValue() != 0) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        if (!installed()) {
            // npm neither reads this process's stdin nor writes its stdout (its progress is dropped, its
            // errors go to stderr): the test runner talks to Maven over those, and npm's bytes there
            // corrupted the channel on a fresh checkout
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm ci did not finish in 5 minutes");
            }
            if (npm.exitValue() != 0) {
                throw new IllegalStateException("npm ci failed in " + DIR);
            }
        }
        return true;
    }

    /** Starts a listening js node and waits for its "listening" line. */
    static JsPeer listen(String keyType) throws Exception {
        JsPeer peer = start(List.of("listen", "--key", keyType));
        return peer;
    }

    /**
     * Starts a listening js node that also reserves a slot on a circuit relay v2; it prints
     * "listening", then "reserved" with its {@code /p2p-circuit} addresses.
     */
    static JsPeer listenVia(String keyType, String relayAddress) throws Exception {
        return start(List.of("listen", "--key", keyType, "--relay", relayAddress));
    }

    /** Starts a js circuit relay v2 (stock limits) and waits for nothing: read its "listening" line. */
    static JsPeer relay(String keyType) throws Exception {
        return start(List.of("relay", "--key", keyType));
    }

    /** Runs a js dialer to completion and returns its one JSON result. */
    static Map<String, Object> dial(String address, String keyType, String... action) throws Exception {
        List<String> args = new ArrayList<>(List.of("dial", address));
        args.addAll(List.of(action));
        args.addAll(List.of("--key", keyType));
        try (JsPeer peer = start(args)) {
            if (!peer.process.waitFor(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("js dialer did not finish in 120 s: " + peer.stderr());
            }
            String line = peer.lines.poll(5, TimeUnit.SECONDS);
            if (line == null) {
                throw new IllegalStateException("js dialer printed nothing (exit " + peer.process.exitValue() + "): " + peer.stderr());
            }
            return Json.parse(line);
        }
    }

    private static JsPeer start(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", "peer.mjs"));
        command.addAll(args);
        return new JsPeer(new ProcessBuilder(command).directory(DIR.toFile()).start());
    }

    // ---- the Kademlia DHT node (kad.mjs): one JSON command per stdin line, one JSON result per command

    private final java.util.concurrent.atomic.AtomicInteger commandIds = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Starts a js-libp2p Kademlia DHT node (@libp2p/kad-dht) on loopback TCP, in server or client
     * mode; read its "listening" line with {@link #next}, then drive it with {@link #command}.
     */
    static JsPeer kad(boolean client) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", "kad.mjs"));
        if (client) {
            command.add("--client");
        }
        return new JsPeer(new ProcessBuilder(command).directory(DIR.toFile()).start());
    }

    /**
     * Sends one command to a {@link #kad} node and waits for its result, skipping other lines.
     *
     * @param seconds how long to wait
     * @param fields  the command's fields, name then value, such as {@code "cmd", "get", "key", "/jlibp2p/k"}
     */
    Map<String, Object> command(long seconds, String... fields) throws IOException, InterruptedException {
        int id = commandIds.incrementAndGet();
        StringBuilder json = new StringBuilder("{\"id\":").append(id);
        for (int i = 0; i < fields.length; i += 2) {
            json.append(",\"").append(fields[i]).append("\":\"").append(fields[i + 1].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        json.append("}\n");
        synchronized (process) {
            process.getOutputStream().write(json.toString().getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                Map<String, Object> m = Json.parse(line);
                if (m.get("id") instanceof Number n && n.intValue() == id) {
                    return m;
                }
            }
        }
        throw new IllegalStateException("no result for command " + json.toString().strip() + " in " + seconds + " s; stderr: " + stderr());
    }

    /** The next JSON line printed, within the timeout. */
    Map<String, Object> next(long seconds) throws InterruptedException {
        String line = lines.poll(seconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new IllegalStateException("the js peer printed nothing for " + seconds + " s; stderr: " + stderr());
        }
        return Json.parse(line);
    }

    /** The next line with a given event, skipping others. */
    Map<String, Object> nextEvent(String event, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                Map<String, Object> m = Json.parse(line);
                if (event.equals(m.get("event"))) {
                    return m;
                }
            }
        }
        throw new IllegalStateException("no '" + event + "' event from the js peer in " + seconds + " s; stderr: " + stderr());
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    void kill() {
        process.destroyForcibly();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Whether {@code npm ci} has installed what package-lock.json lists: npm writes its own copy of
     * the lock file into node_modules, and a lock file changed since (a new package) needs a new install.
     */
    private static boolean installed() {
        try {
            java.nio.file.Path installedLock = DIR.resolve("node_modules/.package-lock.json");
            return Files.isRegularFile(installedLock)
                    && Files.getLastModifiedTime(installedLock).compareTo(Files.getLastModifiedTime(DIR.resolve("package-lock.json"))) >= 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
