package org.jlibp2p.examples;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;

/** {@code send-file <addr> <path>}: one file over /file-transfer/1.0.0, checked by size and SHA-256. */
final class SendFileCommand extends ClientCommand {
    @Override
    public String name() {
        return "send-file";
    }

    @Override
    public String arguments() {
        return "<addr> <path>";
    }

    @Override
    public String summary() {
        return "send a file to a listen started with --receive-dir";
    }

    @Override
    public String description() {
        return """
                Send a file with /file-transfer/1.0.0; checked by size and SHA-256 on arrival. The receiver is a
                listen started with --receive-dir DIR; it refuses files without one, and never overwrites a file.""";
    }

    @Override
    public List<Option> options() {
        return List.of();
    }

    @Override
    public int maxArguments() {
        return 2;
    }

    @Override
    void validate(Context ctx) {
        Path file = Path.of(ctx.cli.positional(1, "the file to send"));
        if (Files.isDirectory(file)) {
            throw new Cli.UsageException(file + " is a directory; send-file sends one file");
        }
        if (!Files.isRegularFile(file)) {
            throw new Cli.UsageException("no such file: " + file);
        }
    }

    @Override
    Result call(Context ctx, Host host, Multiaddr addr) throws Exception {
        Path file = Path.of(ctx.cli.positional(1, "the file to send"));
        long size = Files.size(file);
        Progress progress = new Progress(size, ctx.terminal());
        long start = System.nanoTime();
        try (ProtocolStream s = ctx.connect(host, addr).newStream(FileTransfer.PROTOCOL_ID)) {
            FileTransfer.Answer answer = FileTransfer.send(s, file, progress::update);
            progress.finish();
            return new Sent(file.getFileName().toString(), size, (System.nanoTime() - start) / 1e9, answer);
        }
    }

    /** A file sent, and what the receiver answered. */
    record Sent(String file, long bytes, double seconds, FileTransfer.Answer answer) implements Result {
        @Override
        public boolean ok() {
            return answer.stored();
        }

        String error() {
            return answer.status() != FileTransfer.STORED ? "refused by the receiver: " + FileTransfer.reason(answer.status())
                    : "the receiver's SHA-256 differs from ours: the file changed on the way";
        }

        @Override
        public Map<String, Object> json() {
            double mbps = seconds <= 0 ? 0 : bytes / seconds / 1e6;
            Map<String, Object> j = Json.object("action", "send-file", "ok", ok(), "file", file, "bytes", bytes, "seconds", seconds, "MBps", mbps);
            if (!ok()) {
                j.put("error", error());
                j.put("errorType", answer.status() != FileTransfer.STORED ? "Refused" : "ChecksumMismatch");
            }
            return j;
        }

        @Override
        public String human() {
            return ok() ? String.format(Locale.ROOT, "sent %s, %d bytes, %.1f MB/s, SHA-256 verified", file, bytes, json().get("MBps"))
                    : "send-file failed: " + error();
        }
    }

    /** A progress bar on a terminal; nothing otherwise. */
    private static final class Progress {
        private final long total;
        private final PrintStream terminal;
        private long lastDrawn = -1;

        Progress(long total, PrintStream terminal) {
            this.total = total;
            this.terminal = terminal;
        }

        void update(long done) {
            if (terminal == null || total == 0) {
                return;
            }
            long percent = done * 100 / total;
            if (percent != lastDrawn) {
                lastDrawn = percent;
                int filled = (int) (percent / 5);
                terminal.print("\r[" + "#".repeat(filled) + " ".repeat(20 - filled) + "] " + percent + "%");
            }
        }

        void finish() {
            if (terminal != null && total != 0) {
                terminal.println();
            }
        }
    }
}
