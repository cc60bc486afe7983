package org.jlibp2p.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.pubsub.GossipSub;
import org.jlibp2p.pubsub.GossipSubConfig;
import org.jlibp2p.pubsub.GossipSubParams;
import org.jlibp2p.pubsub.PubSubEvent;
import org.jlibp2p.pubsub.ReceivedMessage;
import org.jlibp2p.pubsub.SignaturePolicy;
import org.jlibp2p.pubsub.Subscription;

/**
 * {@code pubsub}: the seed's publish/subscribe example. A gossipsub node (degree 6, low 4, high 12
 * by default) that joins a topic, connects to bootstrap peers, publishes each line typed (and, with
 * {@code --publish-every}, a counter message) and prints every message it receives with its sender.
 */
final class PubSubCommand implements Command {
    @Override
    public String name() {
        return "pubsub";
    }

    @Override
    public String arguments() {
        return "[bootstrap addresses...]";
    }

    @Override
    public String summary() {
        return "join a gossipsub topic: publish typed lines, print what arrives";
    }

    @Override
    public String description() {
        return """
                Run a gossipsub node (/meshsub/1.2.0, 1.1.0, 1.0.0 and /floodsub/1.0.0, agreed per peer) that prints its
                addresses, subscribes to --topic, connects to each bootstrap address given (ending in /p2p/<peer id>),
                publishes each line read from standard input, and prints every message it receives with its publisher.
                With --publish-every, it also publishes a counter message at that interval, as the seed's example does.
                The mesh has degree --d, low --dlo and high --dhi (the seed's 6, 4 and 12). With --no-sign, messages
                carry no publisher, sequence number or signature (strict no-sign), and message ids are the data's
                SHA-256. Peers joining and leaving the topic are printed too. Runs until interrupted.""";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--topic", "T", "none: required", "the topic to join"),
                Option.value("--host", "H", "0.0.0.0", "the address or host name to listen on"),
                Option.value("--port", "P", "0", "the TCP port; 0 picks a free one"),
                Option.value("--publish-every", "D", "0: never", "also publish a counter message every D (such as 5s, 500ms, 1m)"),
                Option.value("--d", "N", "6", "the mesh degree D"),
                Option.value("--dlo", "N", "4", "the mesh's low watermark Dlo"),
                Option.value("--dhi", "N", "12", "the mesh's high watermark Dhi"),
                Option.flag("--no-sign", "strict no-sign: no publisher, seqno or signature; ids from the data"));
    }

    @Override
    public int maxArguments() {
        return 64;
    }

    @Override
    public int run(Context ctx) throws InterruptedException {
        String topic = ctx.cli.option("--topic", null);
        if (topic == null || topic.isEmpty()) {
            throw new Cli.UsageException("--topic is required");
        }
        Duration every = duration(ctx.cli.option("--publish-every", "0"));
        GossipSubParams params;
        try {
            params = GossipSubParams.builder().d(ctx.cli.intOption("--d", 6, 1, 1000)).dlo(ctx.cli.intOption("--dlo", 4, 1, 1000))
                    .dhi(ctx.cli.intOption("--dhi", 12, 1, 1000)).build();
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(e.getMessage());
        }
        GossipSubConfig.Builder config = GossipSubConfig.builder().params(params);
        if (ctx.cli.flag("--no-sign")) {
            config.signaturePolicy(SignaturePolicy.STRICT_NO_SIGN).messageIdFunction(m -> org.jlibp2p.pubsub.MessageId.of(sha256(m.payload())));
        }
        List<Multiaddr> bootstrap = ctx.cli.positional.stream().map(Context::parseTarget).toList();
        GossipSub pubsub = new GossipSub(config.build());
        try (Host host = ctx.host(ctx.identity(), ctx.listenAddress(), Map.of(), b -> b.service(pubsub))) {
            List<String> addrs = Context.dialable(host);
            ctx.emit(Json.object("event", "listening", "peerId", host.peerId().toString(), "addrs", addrs, "topic", topic),
                    "peer id " + host.peerId() + "\nlistening on\n  " + String.join("\n  ", addrs) + "\ntopic " + topic);
            pubsub.onPeerEvent(e -> report(ctx, e));
            Subscription sub = pubsub.subscribe(topic, m -> {
                if (!m.receivedFrom().equals(host.peerId())) {
                    report(ctx, m);
                }
            });
            for (Multiaddr a : bootstrap) {
                try {
                    host.connect(a);
                    ctx.emit(Json.object("event", "connected", "peerId", a.peerId().orElseThrow().toString(), "addr", a.toString()),
                            "connected to " + a);
                } catch (IOException e) {
                    ctx.emit(Json.object("event", "connect-failed", "addr", a.toString(), "error", String.valueOf(e.getMessage())),
                            "could not connect to " + a + ": " + e.getMessage());
                }
            }
            AtomicLong counter = new AtomicLong();
            Thread ticker = every.isZero() ? null : Thread.ofVirtual().name("jlibp2p-pubsub-ticker").start(() -> {
                try {
                    while (true) {
                        Thread.sleep(every);
                        publish(ctx, pubsub, topic, "message " + counter.incrementAndGet() + " from " + Chat.shortId(host.peerId()));
                    }
                } catch (InterruptedException e) {
                    // stopping
                }
            });
            try {
                readLines(ctx, pubsub, topic);
                Thread.sleep(Long.MAX_VALUE); // standard input ended: keep serving until interrupted
            } finally {
                ctx.stopping();
                if (ticker != null) {
                    ticker.interrupt();
                    ticker.join();
                }
                sub.close();
            }
        } catch (InterruptedException e) {
            return 0;
        } catch (IOException e) {
            return ctx.fail("pubsub", e);
        }
        return 0;
    }

    /** Publishes each line of standard input until it ends; reads on a virtual thread so that an interrupt ends the command. */
    private static void readLines(Context ctx, GossipSub pubsub, String topic) throws InterruptedException {
        Thread reader = Thread.ofVirtual().name("jlibp2p-pubsub-stdin").start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(ctx.in, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (!line.isEmpty()) {
                        publish(ctx, pubsub, topic, line);
                    }
                }
            } catch (IOException e) {
                // standard input failed: nothing more to publish
            }
        });
        try {
            reader.join();
        } finally {
            reader.interrupt();
        }
    }

    private static void publish(Context ctx, GossipSub pubsub, String topic, String text) {
        try {
            pubsub.publish(topic, text.getBytes(StandardCharsets.UTF_8));
            if (ctx.json) {
                ctx.emit(Json.object("event", "published", "topic", topic, "data", text), "");
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            ctx.emit(Json.object("event", "publish-failed", "topic", topic, "error", e.getMessage()), "not published: " + e.getMessage());
        }
    }

    private static void report(Context ctx, ReceivedMessage m) {
        String from = m.from().map(Object::toString).orElse(null);
        String who = m.from().map(Chat::shortId).orElse("(unsigned, via " + Chat.shortId(m.receivedFrom()) + ")");
        byte[] data = m.data();
        String text = utf8(data);
        if (text != null) {
            ctx.emit(Json.object("event", "message", "topic", m.topic(), "from", from, "data", text), who + ": " + text);
        } else {
            String hex = HexFormat.of().formatHex(data);
            ctx.emit(Json.object("event", "message", "topic", m.topic(), "from", from, "dataHex", hex), who + ": (" + data.length + " bytes) " + hex);
        }
    }

    private static void report(Context ctx, PubSubEvent e) {
        switch (e) {
            case PubSubEvent.PeerJoined j -> ctx.emit(Json.object("event", "joined", "topic", j.topic(), "peerId", j.peer().toString()),
                    Chat.shortId(j.peer()) + " joined " + j.topic());
            case PubSubEvent.PeerLeft l -> ctx.emit(Json.object("event", "left", "topic", l.topic(), "peerId", l.peer().toString()),
                    Chat.shortId(l.peer()) + " left " + l.topic());
        }
    }

    /** {@return the text, if the bytes are valid UTF-8} */
    private static String utf8(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses {@code 5s}, {@code 500ms}, {@code 1m} or a number of seconds. */
    static Duration duration(String text) {
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            if (text.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            if (text.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new Cli.UsageException("not a duration: '" + text + "' (write 5s, 500ms or 1m)");
        }
    }
}
