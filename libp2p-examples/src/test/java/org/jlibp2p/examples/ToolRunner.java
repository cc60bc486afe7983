package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs the tool in this JVM: a command to its end, or one in the background (a listener) read line by line. */
final class ToolRunner {
    private ToolRunner() {}

    /** What a finished command printed, and its exit code. */
    record Run(int code, String out, String err) {
        /** {@return the last line of stdout as JSON (perf prints progress lines before its result)} */
        Map<String, Object> json() {
            List<String> lines = out.strip().lines().toList();
            return JsonParser.object(lines.get(lines.size() - 1));
        }

        List<Map<String, Object>> jsonLines() {
            return out.strip().lines().map(JsonParser::object).toList();
        }
    }

    /** Runs a command with no environment variables and an empty stdin. */
    static Run run(String... args) {
        return run(Map.of(), args);
    }

    static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true), new PrintStream(err, true), InputStream.nullInputStream(), env);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Output captured line by line as it is printed. */
    static final class Lines extends OutputStream {
        private final BlockingQueue<String> lines;
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        Lines(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(current.toString(StandardCharsets.UTF_8));
                current.reset();
            } else {
                current.write(b);
            }
        }
    }

    /** A command running on a thread of its own, with a stdin to type into; close() interrupts it (Ctrl-C). */
    static final class Background implements AutoCloseable {
        final BlockingQueue<String> out = new LinkedBlockingQueue<>();
        final BlockingQueue<String> err = new LinkedBlockingQueue<>();
        final PipedOutputStream stdin = new PipedOutputStream();
        private final AtomicInteger code = new AtomicInteger(-1);
        private final Thread thread;

        Background(Map<String, String> env, String... args) throws IOException {
            PipedInputStream in = new PipedInputStream(stdin);
            thread = Thread.ofVirtual().start(() -> code.set(Main.run(args, new PrintStream(new Lines(out), true),
                    new PrintStream(new Lines(err), true), in, env)));
        }

        /** {@return the next line of stdout, waiting up to 20 s} */
        String next() throws InterruptedException {
            String line = out.poll(20, TimeUnit.SECONDS);
            assertThat(line).as("a line within 20 s").isNotNull();
            return line;
        }

        /** {@return the next stdout line as JSON} */
        Map<String, Object> nextJson() throws InterruptedException {
            return JsonParser.object(next());
        }

        /** {@return the first stdout line containing {@code text} within 10 s, or null} */
        String await(String text) throws InterruptedException {
            return await(out, text);
        }

        static String await(BlockingQueue<String> lines, String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.contains(text)) {
                    return line;
                }
            }
            return null;
        }

        void type(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        /** {@return the exit code once the command has ended by itself, within 10 s} */
        int exitCode() throws InterruptedException {
            thread.join(10_000);
            assertThat(thread.isAlive()).as("the command ended").isFalse();
            return code.get();
        }

        /** Interrupts the command, as Ctrl-C does, and {@return its exit code} */
        int interrupt() throws InterruptedException {
            thread.interrupt();
            return exitCode();
        }

        @Override
        public void close() {
            if (thread.isAlive()) {
                try {
                    interrupt();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while stopping " + thread, e);
                }
            }
        }
    }

    /** A {@code listen --json} on 127.0.0.1 with extra arguments, its first line read. */
    static final class Listener implements AutoCloseable {
        final Background node;
        final String address;
        final String peerId;
        final Map<String, Object> listening;

        Listener(Map<String, String> env, String... extra) throws Exception {
            String[] args = new String[4 + extra.length];
            args[0] = "listen";
            args[1] = "--json";
            args[2] = "--host";
            args[3] = "127.0.0.1";
            System.arraycopy(extra, 0, args, 4, extra.length);
            node = new Background(env, args);
            listening = node.nextJson();
            assertThat(listening).containsEntry("event", "listening");
            address = (String) ((List<?>) listening.get("addrs")).get(0);
            peerId = (String) listening.get("peerId");
        }

        @Override
        public void close() {
            try {
                assertThat(node.interrupt()).isZero();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the listener", e);
            }
        }
    }
}
