package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.examples.ToolRunner.Listener;
import org.jlibp2p.examples.ToolRunner.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The tool's conventions: help, version, argument checks, addresses, timeouts, and failures made visible. */
@Timeout(120)
class CliConventionsTest {
    private static void assertNoTrailingSpaces(String text) {
        assertThat(text.lines().filter(l -> !l.equals(l.stripTrailing())).toList()).as("lines ending in spaces").isEmpty();
    }

    @Test
    void helpGivesEveryCommandAOneLineDescription() {
        Run r = ToolRunner.run("help");
        assertThat(r.code()).isZero();
        assertNoTrailingSpaces(r.out());
        for (Command c : Main.COMMANDS) {
            assertThat(c.summary()).as(c.name()).isNotBlank().doesNotContain("\n");
            assertThat(r.out().lines()).as(c.name()).anyMatch(l -> l.startsWith("  " + c.name() + " ") && l.endsWith(c.summary()));
        }
    }

    @Test
    void everyOptionHasADefaultInTheHelp() {
        List<Option> all = new ArrayList<>(Help.COMMON_OPTIONS);
        Main.COMMANDS.forEach(c -> all.addAll(c.options()));
        assertThat(all.stream().filter(o -> !o.isFlag() && o.defaultValue() == null).map(Option::name).toList())
                .as("options without a default").isEmpty();
        for (Command c : Main.COMMANDS) {
            Run r = ToolRunner.run(c.name(), "--help");
            assertThat(r.code()).as(c.name()).isZero();
            assertNoTrailingSpaces(r.out());
            for (Option o : c.options()) {
                assertThat(r.out().lines()).as(c.name() + " " + o.name())
                        .anyMatch(l -> l.startsWith("  " + o.usage() + " ") && (o.isFlag() || l.endsWith("(default " + o.defaultValue() + ")")));
            }
            assertThat(ToolRunner.run("help", c.name()).out()).isEqualTo(r.out());
        }
    }

    @Test
    void versionNamesTheReleaseAndTheJava() {
        Run dashes = ToolRunner.run("--version");
        Run word = ToolRunner.run("version");
        assertThat(dashes.code()).isZero();
        assertThat(dashes.out()).isEqualTo(word.out()).startsWith("jlibp2p " + VersionCommand.version() + "\nJava " + Runtime.version());
        assertThat(VersionCommand.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(ToolRunner.run("version", "--json").json()).containsEntry("version", VersionCommand.version());
    }

    @Test
    void anUnexpectedArgumentExitsTwo() throws Exception {
        try (Listener l = new Listener(Map.of())) {
            for (String line : List.of("ping ADDR extra", "identify ADDR extra", "echo ADDR extra", "perf ADDR extra --upload 1",
                    "kv ADDR get k extra", "kv ADDR put k v extra", "listen extra", "version extra", "send-file ADDR f extra")) {
                Run r = ToolRunner.run(line.replace("ADDR", l.address).split(" "));
                assertThat(r.code()).as(line).isEqualTo(2);
                assertThat(r.err()).as(line).contains("unexpected argument");
            }
        }
    }

    @Test
    void countWithRepeatIsRefused() {
        String addr = "/ip4/127.0.0.1/tcp/1/p2p/" + PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
        Run r = ToolRunner.run("ping", addr, "--count", "3", "--repeat", "2");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--count and --repeat do not combine");
    }

    @Test
    void pingCountPrintsMinAvgMax() throws Exception {
        try (Listener l = new Listener(Map.of())) {
            Run r = ToolRunner.run("ping", l.address, "--count", "4");
            assertThat(r.code()).isZero();
            assertThat(r.out()).containsPattern("4 round trips, rtt min/avg/max = [0-9.]+/[0-9.]+/[0-9.]+ ms");
            Map<String, Object> j = ToolRunner.run("ping", l.address, "--count", "3", "--json").json();
            assertThat((Double) j.get("minMs")).isLessThanOrEqualTo((Double) j.get("avgMs"));
            assertThat((Double) j.get("avgMs")).isLessThanOrEqualTo((Double) j.get("maxMs"));
        }
    }

    @Test
    void aBadPeerIdIsNamedAsSuch() {
        Run r = ToolRunner.run("ping", "/ip4/127.0.0.1/tcp/4001/p2p/notapeerid");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'notapeerid' is not a peer id").doesNotContain("multibase");
    }

    @Test
    void listenAcceptsAHostName() throws Exception {
        try (ToolRunner.Background node = new ToolRunner.Background(Map.of(), "listen", "--json", "--host", "localhost")) {
            Map<String, Object> listening = node.nextJson();
            assertThat((List<?>) listening.get("addrs")).first().asString().matches("/ip[46]/(127\\.0\\.0\\.1|::1)/tcp/\\d+/p2p/.*");
        }
        Run unknown = ToolRunner.run("listen", "--host", "no-such-host.invalid");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("cannot resolve the host name 'no-such-host.invalid'");
    }

    @Test
    void theDialTimeoutCoversTheWholeConnectionSetup() throws Exception {
        // A peer that accepts TCP and never says a word: the handshake, not the TCP connect, hangs.
        List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread acceptor;
        Run r;
        long seconds;
        try (ServerSocket silent = new ServerSocket(0)) {
            acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            String addr = "/ip4/127.0.0.1/tcp/" + silent.getLocalPort() + "/p2p/" + PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
            long start = System.nanoTime();
            r = ToolRunner.run("ping", addr, "--dial-timeout", "2", "--json");
            seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        }
        acceptor.join(5_000);
        for (Socket s : accepted) {
            s.close();
        }
        assertThat(r.code()).isEqualTo(1);
        assertThat((String) r.json().get("error")).contains("dial timeout of 2 s");
        assertThat(seconds).isLessThan(5);
    }

    @Test
    void aFailingHandlerIsAWarningOnTheListener() throws Exception {
        try (Listener l = new Listener(Map.of());
             Host client = Host.builder().build()) {
            try (ProtocolStream s = client.newStream(Multiaddr.parse(l.address), KeyValue.PROTOCOL_ID)) {
                s.out().write(new byte[] {9, 0, 1, 'k'}); // opcode 9: not a kv request
                s.closeWrite();
                assertThat(s.in().read()).as("the listener resets the stream").isLessThan(0);
            } catch (java.io.IOException reset) {
                // the reset may arrive as an exception
            }
            String warning = ToolRunner.Background.await(l.node.err, "handler failed");
            assertThat(warning).isNotNull().startsWith("[WARNING]")
                    .contains(KeyValue.PROTOCOL_ID, client.peerId().toString(), "unknown opcode 9");
        }
    }

    @Test
    void anEmptyCommandLineShowsTheHelpAndExitsTwo() {
        Run r = ToolRunner.run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("commands:");
        assertThat(ToolRunner.run("--help").code()).isZero();
        assertThat(ToolRunner.run("no-such-command").code()).isEqualTo(2);
    }
}
