package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seed's NAT story on real sockets: three Linux network namespaces, A and B each joined to the
 * relay R by a veth pair and not to each other (R does not forward). A cannot dial B; through R,
 * ping and chat work. The tool runs from its jar ({@code ip netns exec NS java -jar jlibp2p.jar ...}).
 * Skipped where network namespaces cannot be made (not root, no {@code ip}, a container without the
 * capability). All addresses are in 10.77.0.0/16, inside the namespaces the test makes and removes.
 */
@Timeout(180)
class RelayNamespacesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path JAR = ROOT.resolve("libp2p-examples").resolve("target").resolve("jlibp2p.jar");
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final String RELAY_IP = "10.77.0.1";
    private static final String A_IP = "10.77.1.1";
    private static final String B_IP = "10.77.2.1";

    private final String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
    private final String nsA = "jl-a-" + suffix;
    private final String nsB = "jl-b-" + suffix;
    private final String nsR = "jl-r-" + suffix;
    private final List<Process> processes = new ArrayList<>();

    private record Run(int code, String out, String err) {}

    /** Runs a command to its end, within {@code seconds}. */
    private static Run run(int seconds, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        // small outputs: read after the end
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            return new Run(-1, new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    "timed out after " + seconds + " s: " + String.join(" ", command));
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        Run r = run(10, command);
        if (r.code() != 0) {
            throw new IOException("ip " + String.join(" ", args) + ": " + r.err());
        }
    }

    private String[] tool(String ns, String... args) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns, JAVA.toString(), "-jar", JAR.toString()));
        c.addAll(List.of(args));
        return c.toArray(String[]::new);
    }

    /** A long-running tool process; its stdout lines in a queue. */
    private BlockingQueue<String> start(Process p) {
        processes.add(p);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        return lines;
    }

    private static String await(BlockingQueue<String> lines, String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("no line with " + text + " within " + seconds + " s");
    }

    private static String firstAddr(String jsonLine) {
        Matcher m = Pattern.compile("\"addrs\":\\[\"([^\"]+)\"").matcher(jsonLine);
        assertThat(m.find()).as("an address in " + jsonLine).isTrue();
        return m.group(1);
    }

    private boolean namespacesCanBeMade() {
        try {
            ip("netns", "add", nsR);
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void twoPeersThatCannotReachEachOtherTalkThroughTheRelay() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), JAR + " is not built (mvn -B package builds it before this module's tests)");
        assumeTrue(namespacesCanBeMade(), "network namespaces cannot be made here (ip netns add needs root and CAP_SYS_ADMIN): skipped");
        try {
            ip("netns", "add", nsA);
            ip("netns", "add", nsB);
            for (String ns : List.of(nsA, nsB, nsR)) {
                ip("-n", ns, "link", "set", "lo", "up");
            }
            // A <-> R and B <-> R; R has its relay address on its loopback and does not forward
            ip("link", "add", "jla" + suffix, "netns", nsA, "type", "veth", "peer", "name", "jlra" + suffix, "netns", nsR);
            ip("link", "add", "jlb" + suffix, "netns", nsB, "type", "veth", "peer", "name", "jlrb" + suffix, "netns", nsR);
            ip("-n", nsA, "addr", "add", A_IP + "/24", "dev", "jla" + suffix);
            ip("-n", nsR, "addr", "add", "10.77.1.2/24", "dev", "jlra" + suffix);
            ip("-n", nsB, "addr", "add", B_IP + "/24", "dev", "jlb" + suffix);
            ip("-n", nsR, "addr", "add", "10.77.2.2/24", "dev", "jlrb" + suffix);
            ip("-n", nsR, "addr", "add", RELAY_IP + "/32", "dev", "lo");
            for (String[] link : List.of(new String[] {nsA, "jla"}, new String[] {nsR, "jlra"}, new String[] {nsB, "jlb"}, new String[] {nsR, "jlrb"})) {
                ip("-n", link[0], "link", "set", link[1] + suffix, "up");
            }
            ip("-n", nsA, "route", "add", RELAY_IP + "/32", "via", "10.77.1.2");
            ip("-n", nsB, "route", "add", RELAY_IP + "/32", "via", "10.77.2.2");

            BlockingQueue<String> relay = start(new ProcessBuilder(tool(nsR, "relay", "--json", "--host", RELAY_IP, "--port", "4001")).start());
            String relayAddr = firstAddr(await(relay, "\"event\":\"listening\"", 30));
            assertThat(relayAddr).startsWith("/ip4/" + RELAY_IP + "/tcp/4001/p2p/");

            BlockingQueue<String> b = start(new ProcessBuilder(tool(nsB, "listen", "--json", "--host", B_IP, "--relay", relayAddr)).start());
            String bDirect = firstAddr(await(b, "\"event\":\"listening\"", 30));
            String bViaRelay = firstAddr(await(b, "\"event\":\"reserved\"", 30));
            assertThat(bViaRelay).startsWith(relayAddr + "/p2p-circuit/p2p/");

            Run direct = run(30, tool(nsA, "ping", "--json", "--dial-timeout", "3", bDirect));
            assertThat(direct.code()).as("A cannot dial B directly: " + direct.out() + direct.err()).isEqualTo(1);

            Run ping = run(60, tool(nsA, "ping", "--json", bViaRelay));
            assertThat(ping.code()).as(ping.out() + ping.err()).isZero();
            assertThat(ping.out()).contains("\"ok\":true", "\"relayed\":true");

            // the seed's chat: B waits (its stdin open, as a terminal's), A dials through the relay
            Process waiting = new ProcessBuilder(tool(nsB, "chat", "--json", "--host", B_IP, "--relay", relayAddr)).start();
            BlockingQueue<String> waitingOut = start(waiting);
            String chatViaRelay = firstAddr(await(waitingOut, "\"event\":\"reserved\"", 30));
            Process chat = new ProcessBuilder(tool(nsA, "chat", "--json", chatViaRelay)).start();
            BlockingQueue<String> chatOut = start(chat);
            assertThat(await(chatOut, "\"event\":\"connected\"", 30)).contains("\"relayed\":true");
            assertThat(await(waitingOut, "\"event\":\"connected\"", 30)).contains("\"relayed\":true");
            try (OutputStream stdin = chat.getOutputStream()) {
                stdin.write("hello across the NAT\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                assertThat(await(waitingOut, "\"event\":\"chat\"", 30)).contains("hello across the NAT");
                try (OutputStream back = waiting.getOutputStream()) {
                    back.write("and back\n".getBytes(StandardCharsets.UTF_8));
                    back.flush();
                    assertThat(await(chatOut, "\"event\":\"chat\"", 30)).contains("and back");
                }
            } // Ctrl-D on both sides: the chat ends
            assertThat(chat.waitFor(30, TimeUnit.SECONDS)).as("chat ends at the end of its input").isTrue();
            assertThat(await(relay, "\"event\":\"circuit\"", 10)).contains("\"target\":");
        } finally {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            for (String ns : List.of(nsA, nsB, nsR)) {
                try {
                    ip("netns", "del", ns); // removes its veth ends too
                } catch (IOException e) {
                    // not made
                }
            }
        }
    }
}
