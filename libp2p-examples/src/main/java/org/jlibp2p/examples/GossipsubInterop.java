package org.jlibp2p.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.pubsub.GossipSub;
import org.jlibp2p.pubsub.GossipSubConfig;
import org.jlibp2p.pubsub.GossipSubParams;
import org.jlibp2p.pubsub.MessageId;
import org.jlibp2p.pubsub.ReceivedMessage;
import org.jlibp2p.pubsub.SignaturePolicy;
import org.jlibp2p.pubsub.ValidationResult;

/**
 * A node of libp2p's gossipsub interop framework (test-plans, {@code gossipsub-interop/test-specs/implementation.md}):
 * its identity from its node id, its parameters and script from {@code params.json}, structured
 * JSON logs on stdout. What its go and jvm nodes do, checked against them: strict no-sign, message
 * ids from the first 8 bytes of the data, {@code gossipSubParams} with go's field names and
 * durations in nanoseconds (go's JSON for {@code time.Duration}), listening on TCP port 9000 and
 * reaching node M as {@code nodeM}.
 */
final class GossipsubInterop {
    /** How long a {@code connect} instruction keeps dialing a peer that does not listen yet. */
    private static final java.time.Duration CONNECT_RETRY = java.time.Duration.ofSeconds(10);

    /** The framework's port, for every node. */
    static final int PORT = 9000;

    private final PrintStream out;
    private final ReentrantLock outLock = new ReentrantLock();
    private final int nodeId;
    private final Integer portBase;
    private final long start = System.nanoTime();

    GossipsubInterop(PrintStream out, int nodeId, Integer portBase) {
        this.out = out;
        this.nodeId = nodeId;
        this.portBase = portBase;
    }

    /** The framework's identity: the Ed25519 key whose seed is the node id, little-endian, in 32 bytes. */
    static PrivateKey nodeKey(int id) {
        byte[] seed = new byte[32];
        ByteBuffer.wrap(seed).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(id);
        return PrivateKey.ed25519FromSeed(seed);
    }

    /** {@return the node id in a host name such as {@code node12}} */
    static int nodeIdFromHostname(String hostname) {
        if (!hostname.matches("node\\d+(\\..*)?")) {
            throw new Cli.UsageException("the host name '" + hostname + "' is not node<N>: give --node-id");
        }
        return Integer.parseInt(hostname.substring(4).split("\\.")[0]);
    }

    /** The message id of the framework: the first 8 bytes of the data. */
    static MessageId messageId(org.jlibp2p.pubsub.Message m) {
        byte[] data = m.payload();
        return MessageId.of(java.util.Arrays.copyOf(data, 8));
    }

    /** go's {@code GossipSubParams}, by go's field names; durations in nanoseconds; unknown names are reported and ignored, as go's JSON decoder ignores them. */
    static GossipSubParams params(Map<String, Object> json, PrintStream err) {
        GossipSubParams.Builder b = GossipSubParams.builder();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            Object v = e.getValue();
            if (v == null) {
                continue;
            }
            Number n = (Number) v;
            switch (e.getKey()) {
                case "D" -> b.d(n.intValue());
                case "Dlo" -> b.dlo(n.intValue());
                case "Dhi" -> b.dhi(n.intValue());
                case "Dscore" -> b.dscore(n.intValue());
                case "Dout" -> b.dout(n.intValue());
                case "HistoryLength" -> b.historyLength(n.intValue());
                case "HistoryGossip" -> b.historyGossip(n.intValue());
                case "Dlazy" -> b.dlazy(n.intValue());
                case "GossipFactor" -> b.gossipFactor(n.doubleValue());
                case "GossipRetransmission" -> b.gossipRetransmission(n.intValue());
                case "HeartbeatInitialDelay" -> b.heartbeatInitialDelay(nanos(n));
                case "HeartbeatInterval" -> b.heartbeatInterval(nanos(n));
                case "SlowHeartbeatWarning" -> b.slowHeartbeatWarning(n.doubleValue());
                case "FanoutTTL" -> b.fanoutTTL(nanos(n));
                case "PrunePeers" -> b.prunePeers(n.intValue());
                case "PruneBackoff" -> b.pruneBackoff(nanos(n));
                case "UnsubscribeBackoff" -> b.unsubscribeBackoff(nanos(n));
                case "Connectors" -> b.connectors(n.intValue());
                case "MaxPendingConnections" -> b.maxPendingConnections(n.intValue());
                case "ConnectionTimeout" -> b.connectionTimeout(nanos(n));
                case "DirectConnectTicks" -> b.directConnectTicks(n.intValue());
                case "DirectConnectInitialDelay" -> b.directConnectInitialDelay(nanos(n));
                case "OpportunisticGraftTicks" -> b.opportunisticGraftTicks(n.intValue());
                case "OpportunisticGraftPeers" -> b.opportunisticGraftPeers(n.intValue());
                case "GraftFloodThreshold" -> b.graftFloodThreshold(nanos(n));
                case "MaxIHaveLength" -> b.maxIHaveLength(n.intValue());
                case "MaxIHaveMessages" -> b.maxIHaveMessages(n.intValue());
                case "MaxIDontWantLength" -> b.maxIDontWantLength(n.intValue());
                case "MaxIDontWantMessages" -> b.maxIDontWantMessages(n.intValue());
                case "IWantFollowupTime" -> b.iWantFollowupTime(nanos(n));
                case "IDontWantMessageThreshold" -> b.iDontWantMessageThreshold(n.intValue());
                case "IDontWantMessageTTL" -> b.iDontWantMessageTTL(n.intValue());
                default -> err.println("gossipsub-interop: unknown gossipSubParams field " + e.getKey() + ", ignored");
            }
        }
        return b.build();
    }

    private static Duration nanos(Number n) {
        return Duration.ofNanos(n.longValue());
    }

    /** The first initGossipSub that applies to this node: at the top of the script, or inside an ifNodeIDEquals naming it. */
    @SuppressWarnings("unchecked")
    Map<String, Object> findInit(List<Object> script) {
        for (Object o : script) {
            Map<String, Object> i = (Map<String, Object>) o;
            String type = (String) i.get("type");
            if ("initGossipSub".equals(type)) {
                return (Map<String, Object>) i.getOrDefault("gossipSubParams", Map.of());
            }
            if ("ifNodeIDEquals".equals(type) && ((Number) i.get("nodeID")).intValue() == nodeId) {
                Map<String, Object> found = findInit(List.of(i.get("instruction")));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** Runs the experiment: the node, then its script; {@return the exit code} */
    @SuppressWarnings("unchecked")
    int run(Map<String, Object> params, PrintStream err) throws IOException, InterruptedException {
        List<Object> script = (List<Object>) params.getOrDefault("script", List.of());
        Map<String, Object> init = findInit(script);
        GossipSubParams p = params(init == null ? Map.of() : init, err);
        GossipSubConfig config = GossipSubConfig.builder().params(p).signaturePolicy(SignaturePolicy.STRICT_NO_SIGN)
                .messageIdFunction(GossipsubInterop::messageId)
                .maxMessageSize(10 << 20).maxRpcSize((10 << 20) + (64 << 10)).outboundQueueBytes(64L << 20) // go's node: 10 MiB messages
                .build();
        GossipSub pubsub = new GossipSub(config);
        String listen = portBase == null ? "/ip4/0.0.0.0/tcp/" + PORT : "/ip4/127.0.0.1/tcp/" + (portBase + nodeId);
        try (Host host = Host.builder().identity(nodeKey(nodeId)).listen(listen).service(pubsub).build()) {
            log("PeerID", "id", host.peerId().toString(), "node_id", nodeId);
            pubsub.onReceive(this::received);
            for (Object o : script) {
                if (!runInstruction(host, pubsub, (Map<String, Object>) o, err)) {
                    return 1;
                }
            }
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private boolean runInstruction(Host host, GossipSub pubsub, Map<String, Object> i, PrintStream err) throws InterruptedException {
        String type = String.valueOf(i.get("type"));
        switch (type) {
            case "initGossipSub" -> { } // applied when the host was built: the framework sends it first
            case "connect" -> {
                for (Object target : (List<Object>) i.getOrDefault("connectTo", List.of())) {
                    int m = ((Number) target).intValue();
                    // The nodes of a run start together: the peer may not listen yet. Retry for a while.
                    long deadline = System.nanoTime() + CONNECT_RETRY.toNanos();
                    while (true) {
                        try {
                            host.connect(address(m));
                            break;
                        } catch (IOException e) {
                            if (System.nanoTime() - deadline > 0) {
                                err.println("gossipsub-interop: failed connecting to node" + m + " for " + CONNECT_RETRY.toSeconds() + " s: " + e.getMessage());
                                return false;
                            }
                            Thread.sleep(100);
                        }
                    }
                }
                err.println("node " + nodeId + " connected to " + host.connections().size() + " peers");
            }
            case "ifNodeIDEquals" -> {
                if (((Number) i.get("nodeID")).intValue() == nodeId) {
                    return runInstruction(host, pubsub, (Map<String, Object>) i.get("instruction"), err);
                }
            }
            case "waitUntil" -> {
                long until = start + Duration.ofSeconds(((Number) i.get("elapsedSeconds")).longValue()).toNanos();
                long wait = until - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
            }
            case "subscribeToTopic" -> pubsub.subscribe((String) i.get("topicID"), m -> { });
            case "publish" -> {
                int size = ((Number) i.get("messageSizeBytes")).intValue();
                byte[] data = new byte[Math.max(size, 8)];
                ByteBuffer.wrap(data).putLong(((Number) i.get("messageID")).longValue());
                try {
                    pubsub.publish((String) i.get("topicID"), data);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    err.println("gossipsub-interop: failed to publish message " + i.get("messageID") + ": " + e.getMessage());
                    return false;
                }
            }
            case "setTopicValidationDelay" -> {
                Duration delay = Duration.ofNanos((long) (((Number) i.get("delaySeconds")).doubleValue() * 1e9));
                pubsub.setValidator((String) i.get("topicID"), (from, m) -> {
                    Thread.sleep(delay);
                    return ValidationResult.ACCEPT;
                });
            }
            default -> {
                err.println("gossipsub-interop: unsupported instruction " + type);
                return false;
            }
        }
        return true;
    }

    /** Where node M listens: {@code nodeM} resolved, port 9000; or, with a port base, loopback at base + M. */
    Multiaddr address(int m) throws IOException {
        PeerId id = PeerId.fromPublicKey(nodeKey(m).publicKey());
        if (portBase != null) {
            return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + (portBase + m) + "/p2p/" + id);
        }
        InetAddress a = InetAddress.getByName("node" + m);
        String proto = a instanceof java.net.Inet6Address ? "/ip6/" : "/ip4/";
        return Multiaddr.parse(proto + a.getHostAddress() + "/tcp/" + PORT + "/p2p/" + id);
    }

    /** "Received Message", for every copy, duplicates included; the id is the first 8 bytes as an unsigned decimal. */
    private void received(ReceivedMessage m) {
        byte[] data = m.message().payload();
        long id = data.length >= 8 ? ByteBuffer.wrap(data).getLong() : 0;
        log("Received Message", "service", "gossipsub", "from", m.receivedFrom().toString(), "topic", m.topic(), "id", Long.toUnsignedString(id));
    }

    private void log(String msg, Object... fields) {
        Object[] kv = new Object[fields.length + 6];
        kv[0] = "time";
        kv[1] = OffsetDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        kv[2] = "level";
        kv[3] = "INFO";
        kv[4] = "msg";
        kv[5] = msg;
        System.arraycopy(fields, 0, kv, 6, fields.length);
        String line = Json.write(Json.object(kv));
        outLock.lock();
        try {
            out.println(line);
            out.flush();
        } finally {
            outLock.unlock();
        }
    }

    /** Reads {@code params.json}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> readParams(Path path) throws IOException {
        Object v = JsonReader.parse(Files.readString(path));
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("params.json must hold an object");
        }
        return (Map<String, Object>) v;
    }
}
