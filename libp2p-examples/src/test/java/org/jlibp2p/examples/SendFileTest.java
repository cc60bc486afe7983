package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jlibp2p.examples.ToolRunner.Background;
import org.jlibp2p.examples.ToolRunner.Listener;
import org.jlibp2p.examples.ToolRunner.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** send-file against a listener that takes files and one that does not: both sides say what happened. */
@Timeout(120)
class SendFileTest {
    @TempDir
    Path tmp;

    private Path file(String name, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return Files.write(tmp.resolve(name), data);
    }

    @Test
    void aListenerWithoutAReceiveDirectorySaysSoAndTheSenderLearnsWhy() throws Exception {
        try (Background node = new Background(Map.of(), "listen", "--host", "127.0.0.1")) {
            assertThat(node.next()).startsWith("peer id ");
            assertThat(node.next()).isEqualTo("listening on");
            String address = node.next().strip();
            assertThat(node.await("files: refused (start with --receive-dir DIR to accept them)")).isNotNull();
            for (int size : List.of(1000, 8 * 1024 * 1024)) { // small, and larger than the stream's window
                Run r = ToolRunner.run("send-file", address, file("data-" + size + ".bin", size).toString(), "--json");
                assertThat(r.code()).isEqualTo(1);
                assertThat(r.json()).containsEntry("ok", false).containsEntry("errorType", "Refused")
                        .containsEntry("error", "refused by the receiver: it accepts no files (its listen has no --receive-dir)");
                assertThat(node.await("refused data-" + size + ".bin")).contains("it accepts no files");
            }
            Run human = ToolRunner.run("send-file", address, file("data.bin", 10).toString());
            assertThat(human.out().strip()).isEqualTo("send-file failed: refused by the receiver: it accepts no files (its listen has no --receive-dir)");
        }
    }

    @Test
    void filesAreStoredLoggedAndNeverOverwritten() throws Exception {
        Path dir = tmp.resolve("in");
        try (Listener l = new Listener(Map.of(), "--receive-dir", dir.toString())) {
            assertThat(l.listening).containsEntry("receiveDir", dir.toAbsolutePath().toString());
            Path first = file("report.txt", 5000);
            assertThat(ToolRunner.run("send-file", l.address, first.toString(), "--json").json()).containsEntry("ok", true);
            Map<String, Object> stored = JsonParser.object(l.node.await("\"event\":\"file\""));
            assertThat(stored).containsEntry("name", "report.txt").containsEntry("bytes", 5000.0)
                    .containsEntry("path", dir.resolve("report.txt").toAbsolutePath().toString());

            Files.write(first, new byte[] {1, 2, 3});
            Run again = ToolRunner.run("send-file", l.address, first.toString(), "--json");
            assertThat(again.code()).isEqualTo(1);
            assertThat(again.json()).containsEntry("error", "refused by the receiver: a file of that name is already there");
            assertThat(JsonParser.object(l.node.await("file-refused"))).containsEntry("name", "report.txt");
            assertThat(Files.size(dir.resolve("report.txt"))).as("the first file is intact").isEqualTo(5000);
        }
    }

    @Test
    void aDirectoryIsNotAFile() {
        String addr = "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";
        Run r = ToolRunner.run("send-file", addr, tmp.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(tmp + " is a directory");
        Run missing = ToolRunner.run("send-file", addr, tmp.resolve("nothing").toString());
        assertThat(missing.err()).contains("no such file");
    }
}
