package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real commands against each other, in this JVM: a listener on a thread and clients beside it. */
@Timeout(120)
class CommandsTest {
    @TempDir
    Path tmp;
    private Thread listener;
    private final BlockingQueue<String> listenerLines = new LinkedBlockingQueue<>();
    private String address;
    private String peerId;

    @BeforeEach
    void startListener() throws Exception {
        Path receive = tmp.resolve("received");
        listener = Thread.ofVirtual().start(() -> Main.run(new String[] {"listen", "--json", "--host", "127.0.0.1", "--receive-dir", receive.toString()},
                new PrintStream(new ToolRunner.Lines(listenerLines), true), new PrintStream(OutputStream.nullOutputStream()), InputStream.nullInputStream()));
        Map<String, Object> listening = JsonParser.object(listenerLines.poll(20, TimeUnit.SECONDS));
        assertThat(listening.get("event")).isEqualTo("listening");
        address = (String) ((List<?>) listening.get("addrs")).get(0);
        peerId = (String) listening.get("peerId");
        assertThat(address).startsWith("/ip4/127.0.0.1/tcp/").endsWith("/p2p/" + peerId);
    }

    @AfterEach
    void stopListener() throws Exception {
        listener.interrupt();
        listener.join(10_000);
        assertThat(listener.isAlive()).isFalse();
        assertThat(ThreadLeakCheck.awaitNone(java.time.Duration.ofSeconds(5), "jlibp2p-", "yamux-")).isEmpty();
    }

    private record Run(int code, String out, String err) {
        /** The last JSON line (perf prints progress lines before its result). */
        Map<String, Object> json() {
            List<String> lines = out.strip().lines().toList();
            return JsonParser.object(lines.get(lines.size() - 1));
        }
    }

    private static Run run(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true), new PrintStream(err, true), stdin);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run run(String... args) {
        return run(InputStream.nullInputStream(), args);
    }

    @Test
    void pingPrintsOneJsonResult() {
        Run r = run("ping", address, "--count", "3", "--json");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines()).hasSize(1);
        Map<String, Object> j = r.json();
        assertThat(j).containsEntry("action", "ping").containsEntry("count", 3.0);
        assertThat((Double) j.get("rttMs")).isPositive();
        assertThat((List<?>) j.get("rttsMs")).hasSize(3);
        // the listener reported the inbound connection
        assertThat(listenerLines).anyMatch(l -> l.contains("\"event\":\"connection\""));
    }

    @Test
    void pingRepeatReportsFreshConnections() {
        Map<String, Object> j = run("ping", address, "--repeat", "3", "--json").json();
        assertThat(j).containsEntry("repeat", 3.0).containsKeys("medianMs", "minMs", "maxMs");
        assertThat((Double) j.get("minMs")).isLessThanOrEqualTo((Double) j.get("medianMs"));
        assertThat((Double) j.get("medianMs")).isLessThanOrEqualTo((Double) j.get("maxMs"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void identifyReportsThePeer() {
        Map<String, Object> j = run("identify", address, "--json").json();
        assertThat(j).containsEntry("peerId", peerId).containsEntry("protocolVersion", "ipfs/0.1.0")
                .containsEntry("signedPeerRecord", true); // the listener's record verified
        assertThat((String) j.get("agentVersion")).startsWith("jlibp2p/");
        assertThat((List<Object>) j.get("protocols")).contains("/echo/1.0.0", "/perf/1.0.0", "/chat/1.0.0", "/file-transfer/1.0.0", "/kv/1.0.0");
        assertThat((String) j.get("observedAddr")).startsWith("/ip4/127.0.0.1/tcp/");
    }

    @Test
    void echoChecksEveryStream() {
        Map<String, Object> j = run("echo", address, "--bytes", "1MiB", "--streams", "8", "--json").json();
        assertThat(j).containsEntry("ok", true).containsEntry("bytes", 1048576.0).containsEntry("streams", 8.0);
    }

    @Test
    void perfCountsBytesBothWays() {
        Map<String, Object> j = run("perf", address, "--upload", "16MiB", "--download", "8MiB", "--json").json();
        assertThat(j).containsEntry("ok", true).containsEntry("uploadBytes", 16777216.0).containsEntry("downloadBytes", 8388608.0);
        assertThat((Double) j.get("uploadMBps")).isPositive();
    }

    @Test
    void ratesCountConnectionsFromSeveralDialersAndStreamsOnOneConnection() {
        Map<String, Object> j = run("rates", address, "--seconds", "1", "--dialers", "2", "--openers", "8", "--json").json();
        assertThat(j).containsEntry("ok", true).containsEntry("dialers", 2.0).containsEntry("openers", 8.0);
        assertThat((Double) j.get("connectionsPerSecond")).isPositive();
        assertThat((Double) j.get("streamsPerSecond")).isPositive();
        assertThat(listenerLines.stream().filter(l -> l.contains("\"connection\"")).map(l -> l.replaceAll(".*\"peerId\":\"([^\"]+)\".*", "$1"))
                .distinct().count()).as("each dialer is a host of its own").isGreaterThanOrEqualTo(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void listenReportsItsUsageWhenAsked() throws Exception {
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread other = Thread.ofVirtual().start(() -> Main.run(new String[] {"listen", "--json", "--host", "127.0.0.1", "--usage-every", "1"},
                new PrintStream(new ToolRunner.Lines(lines), true), new PrintStream(OutputStream.nullOutputStream()), InputStream.nullInputStream()));
        try {
            Map<String, Object> listening = JsonParser.object(lines.poll(20, TimeUnit.SECONDS));
            String otherAddress = (String) ((List<?>) listening.get("addrs")).get(0);
            assertThat(run("ping", otherAddress, "--json").json()).containsEntry("ok", true);
            Map<String, Object> usage;
            do { // the connection event comes first
                usage = JsonParser.object(lines.poll(10, TimeUnit.SECONDS));
            } while ("connection".equals(usage.get("event")));
            assertThat(usage).containsEntry("event", "usage").containsKeys("inboundConnections", "outboundConnections",
                    "pendingHandshakes", "peers", "streams", "streamsByProtocol");
            assertThat((Double) usage.get("pendingHandshakes")).isGreaterThanOrEqualTo(0.0);
        } finally {
            other.interrupt();
            other.join(10_000);
        }
    }

    @Test
    void kvPutThenGet() {
        assertThat(run("kv", address, "put", "colour", "blue", "--json").json()).containsEntry("ok", true);
        assertThat(run("kv", address, "get", "colour", "--json").json()).containsEntry("value", "blue");
        Run missing = run("kv", address, "get", "size", "--json");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.json()).containsEntry("ok", false).containsEntry("errorType", "NotFound");
    }

    @Test
    void aFileArrivesIdentical() throws Exception {
        Path file = tmp.resolve("data.bin");
        byte[] data = new byte[5 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        Files.write(file, data);
        Map<String, Object> j = run("send-file", address, file.toString(), "--json").json();
        assertThat(j).containsEntry("ok", true).containsEntry("bytes", (double) data.length);
        assertThat(Files.readAllBytes(tmp.resolve("received").resolve("data.bin"))).isEqualTo(data);
    }

    @Test
    void namesThatLeaveTheReceiveDirectoryAreRefused() {
        Path dir = tmp.resolve("received");
        assertThat(FileTransfer.safeTarget(dir, "../x")).isNull();
        assertThat(FileTransfer.safeTarget(dir, "a/b")).isNull();
        assertThat(FileTransfer.safeTarget(dir, "/etc/passwd")).isNull();
        assertThat(FileTransfer.safeTarget(dir, "..")).isNull();
        assertThat(FileTransfer.safeTarget(dir, "ok.txt")).isEqualTo(dir.toAbsolutePath().resolve("ok.txt"));
    }

    @Test
    void chatLinesCrossBothWays() throws Exception {
        PipedOutputStream typedAtListener = new PipedOutputStream();
        PipedInputStream listenerStdin = new PipedInputStream(typedAtListener);
        BlockingQueue<String> atListener = new LinkedBlockingQueue<>();
        Thread chatListener = Thread.ofVirtual().start(() -> Main.run(new String[] {"chat", "--json", "--host", "127.0.0.1"},
                new PrintStream(new ToolRunner.Lines(atListener), true), new PrintStream(OutputStream.nullOutputStream()), listenerStdin));
        String chatAddr = (String) ((List<?>) JsonParser.object(atListener.poll(20, TimeUnit.SECONDS)).get("addrs")).get(0);

        PipedOutputStream typedAtDialer = new PipedOutputStream();
        PipedInputStream dialerStdin = new PipedInputStream(typedAtDialer);
        BlockingQueue<String> atDialer = new LinkedBlockingQueue<>();
        Thread chatDialer = Thread.ofVirtual().start(() -> Main.run(new String[] {"chat", chatAddr, "--json"},
                new PrintStream(new ToolRunner.Lines(atDialer), true), new PrintStream(OutputStream.nullOutputStream()), dialerStdin));

        typedAtDialer.write("hello from the dialer\n".getBytes());
        typedAtDialer.flush();
        assertThat(poll(atListener, "hello from the dialer")).isTrue();
        typedAtListener.write("and back from the listener\n".getBytes());
        typedAtListener.flush();
        assertThat(poll(atDialer, "and back from the listener")).isTrue();
        typedAtDialer.close();     // Ctrl-D on both sides ends the chat
        typedAtListener.close();
        chatDialer.join(10_000);
        chatListener.join(10_000);
        assertThat(chatDialer.isAlive()).isFalse();
        assertThat(chatListener.isAlive()).isFalse();
    }

    private static boolean poll(BlockingQueue<String> lines, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(text)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void traceNarratesEveryLayer() {
        Run r = run("ping", address, "--trace");
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("tcp connected", "multistream -> /multistream/1.0.0", "multistream -> /noise",
                "noise -> message 1 (e)", "noise <- message 2 (e, ee, s, es)", "noise -> message 3 (s, se)",
                "muxer /yamux/1.0.0 (from the security handshake)", "yamux -> WindowUpdate stream=1 flags=SYN",
                "multistream -> /ipfs/ping/1.0.0", "yamux <- Data");
        Run quiet = run("ping", address);
        assertThat(quiet.err()).doesNotContain("yamux ->");
    }

    @Test
    void anUnreachableAddressFailsWithinTheTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String dead = "/ip4/127.0.0.1/tcp/" + port + "/p2p/" + PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
        long start = System.nanoTime();
        Run r = run("ping", dead, "--json", "--timeout", "5");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.json()).containsEntry("ok", false).containsKeys("error", "errorType");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "nonsense", "ping", "ping /ip4/127.0.0.1/tcp/1", "ping x --count", "ping ADDR --count many",
        "ping ADDR --bogus 1", "echo ADDR --bytes lots", "kv ADDR delete k", "send-file ADDR /no/such/file", "ping ADDR --key dsa",
        "ping ADDR --seed 1234", "rates ADDR --dialers 0", "rates ADDR --openers many"})
    void badArgumentsExitTwo(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.replace("ADDR", address).split(" ");
        assertThat(run(args).code()).isEqualTo(2);
    }

    @Test
    void helpExplainsEveryCommand() {
        Run r = run("help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("listen", "ping", "identify", "echo", "perf", "rates", "chat", "send-file", "kv", "--json", "--trace");
        Run one = run("perf", "--help");
        assertThat(one.code()).isZero();
        assertThat(one.out()).contains("--upload", "--download", "perf/perf.md");
    }

    @Test
    void aSeedGivesTheIdentityGoAndJsDerive() {
        // The spec's Ed25519 test vector: seed 7e08...fee7d has the public key 1ed1...fce27e.
        Run r = run("identify", address, "--json", "--seed", "7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d");
        assertThat(r.code()).isZero();
        assertThat(listenerLines).anyMatch(l -> l.contains("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"));
    }

    @Test
    void everyKeyTypeCanBeTheIdentity() {
        for (String key : List.of("secp256k1", "ecdsa", "rsa")) {
            assertThat(run("ping", address, "--key", key, "--json").code()).as(key).isZero();
        }
    }

    /** Figures for people use a point in every locale, as ping(8) and the interop harness's output do. */
    @Test
    void humanFiguresUseAPointWhateverTheLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(String.format("%.1f", 1.5)).as("the locale formats with a comma").isEqualTo("1,5");
            Run echo = run("echo", address, "--bytes", "1000", "--streams", "2");
            assertThat(echo.out()).containsPattern("in \\d+\\.\\d{3} s");
            Run ping = run("ping", address, "--count", "2");
            assertThat(ping.out()).containsPattern("rtt min/avg/max = \\d+\\.\\d{3}/\\d+\\.\\d{3}/\\d+\\.\\d{3} ms");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void humanOutputIsShort() {
        Run r = run("echo", address, "--bytes", "1000", "--streams", "2");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("echo ok: 2 streams x 1000 bytes");
    }
}
