package org.jlibp2p.tests.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A js-libp2p gossipsub node ({@code interop/js-peer/gossipsub.mjs}, {@code @libp2p/gossipsub} from
 * npm), or a process of many ({@link #network}, {@code gossipsub-net.mjs}), driven by JSON commands on
 * its stdin; it prints one JSON event per line. Killed in {@link #close()}.
 */
final class JsGossipPeer implements AutoCloseable {
    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<Map<String, Object>> events = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();
    private final List<Map<String, Object>> backlog = new ArrayList<>();
    /** The node's "listening" event: its peer id and addresses, or, for a network, its nodes. */
    final Map<String, Object> listening;
    /** The node's peer id (null for a network). */
    final String peerId;
    /** The node's first address, with {@code /p2p/} (null for a network). */
    final String addr;

    private JsGossipPeer(Process process) throws Exception {
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    events.add(Json.parse(line));
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (stderr) {
                        stderr.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        this.listening = next(e -> "listening".equals(e.get("event")), 60);
        this.peerId = (String) listening.get("peerId");
        @SuppressWarnings("unchecked")
        List<String> addrs = (List<String>) listening.get("addrs");
        this.addr = addrs == null ? null : addrs.get(0);
    }

    /**
     * Starts a js gossipsub node.
     *
     * @param strictSign true for StrictSign (js's default), false for StrictNoSign
     */
    static JsGossipPeer start(boolean strictSign) throws Exception {
        return start(strictSign, new String[0]);
    }

    void command(String json) throws IOException {
        stdin.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    void connect(String address) throws Exception {
        command("{\"cmd\":\"connect\",\"addr\":\"" + address + "\"}");
        next(e -> "connected".equals(e.get("event")), 30);
    }

    void subscribe(String topic) throws Exception {
        command("{\"cmd\":\"subscribe\",\"topic\":\"" + topic + "\"}");
        next(e -> "subscribed".equals(e.get("event")), 30);
    }

    void publish(String topic, String text) throws Exception {
        command("{\"cmd\":\"publish\",\"topic\":\"" + topic + "\",\"data\":\"" + text + "\"}");
        next(e -> "published".equals(e.get("event")) || "error".equals(e.get("event")), 30);
    }

    /**
     * Starts publishing {@code count} messages of {@code size} bytes as fast as js publishes them, numbered from
     * {@code from + 1} (distinct data: under no-sign the id is the data's hash); returns at once.
     */
    void flood(String topic, int count, int size, int from) throws IOException {
        command("{\"cmd\":\"flood\",\"topic\":\"" + topic + "\",\"count\":" + count + ",\"size\":" + size + ",\"from\":" + from + "}");
    }

    /** Makes the node count the next {@code count} messages of a topic instead of printing them. */
    void expect(String topic, int count) throws Exception {
        command("{\"cmd\":\"expect\",\"topic\":\"" + topic + "\",\"count\":" + count + "}");
        next(e -> "expecting".equals(e.get("event")), 30);
    }

    /** Waits for the count of {@link #expect} to be reached. */
    void awaitAll(long seconds) throws InterruptedException {
        next(e -> "received-all".equals(e.get("event")), seconds);
    }

    /**
     * Starts a js gossipsub node with extra arguments.
     *
     * @param strictSign true for StrictSign, false for StrictNoSign
     * @param extra      more arguments, such as {@code --d 2 --dlo 1 --dhi 3}
     */
    static JsGossipPeer start(boolean strictSign, String... extra) throws Exception {
        JsPeer.requireNode();
        List<String> command = new ArrayList<>(List.of("node", "gossipsub.mjs", "--sign", strictSign ? "strict" : "none"));
        command.addAll(List.of(extra));
        return new JsGossipPeer(new ProcessBuilder(command).directory(JsPeer.DIR.toFile()).start());
    }

    /**
     * Starts a js process of {@code nodes} gossipsub nodes ({@code gossipsub-net.mjs}, its commands
     * described there); its {@link #listening} event lists them, each with its peer id and address.
     *
     * @param nodes      how many nodes
     * @param strictSign true for StrictSign, false for StrictNoSign
     */
    static JsGossipPeer network(int nodes, boolean strictSign) throws Exception {
        JsPeer.requireNode();
        List<String> command = List.of("node", "gossipsub-net.mjs", "--nodes", Integer.toString(nodes), "--sign", strictSign ? "strict" : "none");
        return new JsGossipPeer(new ProcessBuilder(command).directory(JsPeer.DIR.toFile()).start());
    }

    /** {@return the js node's view of a topic: subscribers, mesh and the pubsub streams per peer} */
    Map<String, Object> peers(String topic) throws Exception {
        command("{\"cmd\":\"peers\",\"topic\":\"" + topic + "\"}");
        return next(e -> "peers".equals(e.get("event")), 30);
    }

    @SuppressWarnings("unchecked")
    List<String> mesh(String topic) throws Exception {
        return (List<String>) peers(topic).get("mesh");
    }

    /** The next event that matches; others are kept, in order, for later calls. */
    Map<String, Object> next(Predicate<Map<String, Object>> match, long seconds) throws InterruptedException {
        Map<String, Object> e = poll(match, TimeUnit.SECONDS.toNanos(seconds));
        if (e == null) {
            throw new IllegalStateException("no matching event from the js gossipsub node in " + seconds + " s; stderr: " + stderr()
                    + "; other events: " + backlog);
        }
        return e;
    }

    /** The next event that matches within the timeout, or null; others are kept, in order, for later calls. */
    Map<String, Object> poll(Predicate<Map<String, Object>> match, long nanos) throws InterruptedException {
        for (java.util.Iterator<Map<String, Object>> it = backlog.iterator(); it.hasNext(); ) {
            Map<String, Object> e = it.next();
            if (match.test(e)) {
                it.remove();
                return e;
            }
        }
        long deadline = System.nanoTime() + nanos;
        while (true) {
            long left = deadline - System.nanoTime();
            Map<String, Object> e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : events.poll();
            if (e == null) {
                return null;
            }
            if (match.test(e)) {
                return e;
            }
            backlog.add(e);
        }
    }

    /** The next delivered message, within the timeout. */
    Map<String, Object> message(long seconds) throws InterruptedException {
        return next(e -> "message".equals(e.get("event")), seconds);
    }

    /** {@return the "error" events printed so far and not yet taken, without waiting} */
    List<Map<String, Object>> errors() {
        for (Map<String, Object> e; (e = events.poll()) != null; ) {
            backlog.add(e);
        }
        return backlog.stream().filter(e -> "error".equals(e.get("event"))).toList();
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
