package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.examples.ToolRunner.Background;
import org.jlibp2p.examples.ToolRunner.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** perf as the libp2p perf harness runs it: --run-server, --server-address, sizes in bytes, JSON lines. */
@Timeout(120)
class PerfCommandTest {
    /** The go-libp2p perf server's identity in libp2p/test-plans: the Ed25519 key of the all-zero seed. */
    private static final String HARNESS_SERVER_ID = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";

    @Test
    void theServerHasTheHarnessIdentityAndTheClientNeedsOnlyHostAndPort() throws Exception {
        assertThat(PeerId.fromPublicKey(PerfCommand.serverIdentity().publicKey()).toString()).isEqualTo(HARNESS_SERVER_ID);
        try (Background server = new Background(Map.of(), "perf", "--run-server", "--server-address", "127.0.0.1:0", "--json")) {
            Map<String, Object> listening = server.nextJson();
            assertThat(listening).containsEntry("event", "listening").containsEntry("peerId", HARNESS_SERVER_ID);
            String addr = (String) ((List<?>) listening.get("addrs")).get(0);
            String port = addr.split("/")[4];
            Run r = ToolRunner.run("perf", "--server-address", "127.0.0.1:" + port, "--transport", "tcp",
                    "--upload-bytes", "3000000", "--download-bytes", "2MiB", "--json");
            assertThat(r.code()).isZero();
            List<Map<String, Object>> lines = r.jsonLines();
            Map<String, Object> last = lines.get(lines.size() - 1);
            assertThat(last).containsEntry("type", "final").containsEntry("uploadBytes", 3000000.0).containsEntry("downloadBytes", 2097152.0)
                    .containsEntry("ok", true).containsKeys("uploadMBps", "downloadMBps");
            assertThat((Double) last.get("timeSeconds")).isPositive().isGreaterThanOrEqualTo((Double) last.get("seconds"));
            assertThat(lines.subList(0, lines.size() - 1)).allSatisfy(l -> assertThat(l).containsEntry("type", "intermediary"));
            // today's flags and a full address still work
            Run old = ToolRunner.run("perf", addr, "--upload", "1MiB", "--download", "1MiB", "--json");
            assertThat(old.json()).containsEntry("ok", true).containsEntry("downloadBytes", 1048576.0);
        }
    }

    @Test
    void progressIsReportedAsIntermediaryLines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Cli cli = new Cli(List.of("--json"), Help.COMMON_OPTIONS);
        Context ctx = new Context(cli, new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream()), InputStream.nullInputStream(), Map.of());
        PerfCommand.Reporter reporter = new PerfCommand.Reporter(ctx, Duration.ZERO);
        reporter.moved(65536, 0);
        reporter.moved(0, 1000);
        reporter.finish();
        List<Map<String, Object>> lines = new ArrayList<>(out.toString(StandardCharsets.UTF_8).lines().map(JsonParser::object).toList());
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).containsEntry("type", "intermediary").containsEntry("uploadBytes", 65536.0).containsEntry("downloadBytes", 0.0)
                .containsKey("timeSeconds");
        assertThat(lines.get(1)).containsEntry("uploadBytes", 0.0).containsEntry("downloadBytes", 1000.0);
    }

    @Test
    void perfSaysHowMuchToMoveOrIsRefused() {
        String addr = "/ip4/127.0.0.1/tcp/1/p2p/" + HARNESS_SERVER_ID;
        Run none = ToolRunner.run("perf", addr);
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--upload-bytes N and/or --download-bytes N");
        assertThat(ToolRunner.run("perf", addr, "--server-address", "127.0.0.1:1", "--upload-bytes", "1").code()).isEqualTo(2);
        assertThat(ToolRunner.run("perf", "--run-server", "--upload-bytes", "1").code()).isEqualTo(2);
        assertThat(ToolRunner.run("perf", "--server-address", "127.0.0.1:1", "--transport", "quic-v1", "--upload-bytes", "1").code()).isEqualTo(2);
        assertThat(ToolRunner.run("perf", "--server-address", "nonsense", "--upload-bytes", "1").code()).isEqualTo(2);
        assertThat(ToolRunner.run("perf", addr, "--upload", "1", "--upload-bytes", "2").code()).as("an alias and its name").isEqualTo(2);
    }
}
