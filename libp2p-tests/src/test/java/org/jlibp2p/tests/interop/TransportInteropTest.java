package org.jlibp2p.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.examples.TransportInterop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transport-interop test app (what the libp2p interop harness runs) against a real redis-server,
 * in both harness generations: our listener with our dialer, and each paired with the js peer.
 */
@Timeout(120)
class TransportInteropTest {
    private static Process redis;
    private static String redisAddr;

    @BeforeAll
    static void startRedis() throws Exception {
        boolean present;
        try {
            present = new ProcessBuilder("redis-server", "--version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            present = false;
        }
        if (!present) {
            if (System.getenv("CI") != null) {
                fail("redis-server not found, and under CI the transport-interop tests must run");
            }
            assumeTrue(false, "redis-server not found: transport-interop tests skipped");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        redisAddr = "127.0.0.1:" + port;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException e) {
                assertThat(System.nanoTime()).as("redis-server starts").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.destroyForcibly();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Map<String, String> legacy(boolean dialer) {
        Map<String, String> env = new HashMap<>(Map.of("transport", "tcp", "muxer", "yamux", "security", "noise",
                "is_dialer", Boolean.toString(dialer), "ip", "127.0.0.1", "redis_addr", redisAddr, "test_timeout_seconds", "30"));
        return env;
    }

    private static Map<String, String> unified(boolean dialer, String testKey) {
        return new HashMap<>(Map.of("IS_DIALER", Boolean.toString(dialer), "REDIS_ADDR", redisAddr, "TEST_KEY", testKey,
                "TRANSPORT", "tcp", "SECURE_CHANNEL", "noise", "MUXER", "yamux", "LISTENER_IP", "127.0.0.1", "TEST_TIMEOUT_SECONDS", "30"));
    }

    /** Runs our app as listener on a thread; returns the thread (interrupt it to stop). */
    private static Thread ourListener(Map<String, String> env) {
        return Thread.ofVirtual().start(() -> new TransportInterop(env, new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(OutputStream.nullOutputStream())).run());
    }

    private static String ourDialer(Map<String, String> env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new TransportInterop(env, new PrintStream(out, true), new PrintStream(OutputStream.nullOutputStream())).run();
        assertThat(code).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void ourListenerAndDialerInTheTestPlansProtocol() throws Exception {
        Thread listener = ourListener(legacy(false));
        try {
            Map<String, Object> result = Json.parse(ourDialer(legacy(true)));
            assertThat((Double) result.get("handshakePlusOneRTTMillis")).isPositive();
            assertThat((Double) result.get("pingRTTMilllis")).isPositive(); // three l's: the key the harness parses
        } finally {
            listener.interrupt();
            listener.join(10_000);
        }
    }

    @Test
    void ourListenerAndDialerInTheUnifiedTestingProtocol() throws Exception {
        Thread listener = ourListener(unified(false, "0a1b2c3d"));
        try {
            String yaml = ourDialer(unified(true, "0a1b2c3d"));
            assertThat(yaml).startsWith("latency:\n").contains("  handshake_plus_one_rtt: ", "  ping_rtt: ", "  unit: ms");
        } finally {
            listener.interrupt();
            listener.join(10_000);
        }
    }

    @Test
    void ourDialerAgainstTheJsListener() throws Exception {
        JsPeer.requireNode();
        Process js = jsInterop(legacy(false));
        try {
            Map<String, Object> result = Json.parse(ourDialer(legacy(true)));
            assertThat((Double) result.get("pingRTTMilllis")).isPositive();
        } finally {
            js.destroyForcibly();
            js.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theJsDialerAgainstOurListener() throws Exception {
        JsPeer.requireNode();
        Thread listener = ourListener(unified(false, "feedbeef"));
        Process js = jsInterop(unified(true, "feedbeef"));
        try {
            assertThat(js.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String yaml = new String(js.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(js.exitValue()).as(yaml).isZero();
            assertThat(yaml).startsWith("latency:\n").contains("ping_rtt: ", "unit: ms");
        } finally {
            js.destroyForcibly();
            listener.interrupt();
            listener.join(10_000);
        }
    }

    private static Process jsInterop(Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", "peer.mjs", "transport-interop"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(JsPeer.DIR.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        return pb.start();
    }
}
