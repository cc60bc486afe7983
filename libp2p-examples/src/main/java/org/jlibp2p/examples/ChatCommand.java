package org.jlibp2p.examples;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.StreamHandler;

/** {@code chat [<addr>]}: lines typed in one terminal appear in the other (/chat/1.0.0). */
final class ChatCommand implements Command {
    @Override
    public String name() {
        return "chat";
    }

    @Override
    public String arguments() {
        return "[<addr>]";
    }

    @Override
    public String summary() {
        return "chat line by line with another terminal";
    }

    @Override
    public String description() {
        return "Chat line by line (/chat/1.0.0): with an address, dial it; without, listen and wait for one peer.";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--host", "H", "0.0.0.0", "the address or host name to listen on (without <addr>)"),
                Option.value("--port", "P", "0", "the TCP port to listen on (without <addr>); 0 picks a free one"));
    }

    @Override
    public int maxArguments() {
        return 1;
    }

    @Override
    public int run(Context ctx) throws InterruptedException {
        boolean dialing = !ctx.cli.positional.isEmpty();
        Multiaddr target = dialing ? ctx.target() : null;
        String listen = dialing ? null : ctx.listenAddress();
        AtomicBoolean taken = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Map<String, StreamHandler> handlers = Map.of(Chat.PROTOCOL_ID, stream -> {
            if (!taken.compareAndSet(false, true)) {
                throw new IOException("already chatting with someone");
            }
            ctx.emit(Json.object("event", "connected", "peerId", stream.connection().remotePeer().toString()),
                    stream.connection().remotePeer() + " joined; type lines, end with Ctrl-D");
            try {
                Chat.converse(stream, ctx.in, line -> ctx.emit(Json.object("event", "chat", "text", line), line));
            } finally {
                finished.countDown();
            }
        });
        try (Host host = ctx.host(listen, dialing ? Map.of() : handlers)) {
            try {
                if (dialing) {
                    ProtocolStream stream = ctx.connect(host, target).newStream(Chat.PROTOCOL_ID);
                    ctx.emit(Json.object("event", "connected", "peerId", stream.connection().remotePeer().toString()),
                            "connected to " + stream.connection().remotePeer() + "; type lines, end with Ctrl-D");
                    Chat.converse(stream, ctx.in, line -> ctx.emit(Json.object("event", "chat", "text", line), line));
                    return 0;
                }
                List<String> addrs = host.fullAddrs().stream().map(Multiaddr::toString).toList();
                ctx.emit(Json.object("event", "listening", "peerId", host.peerId().toString(), "addrs", addrs),
                        "waiting for a chat on\n  " + String.join("\n  ", addrs));
                finished.await();
                return 0;
            } finally {
                ctx.stopping();
            }
        } catch (InterruptedException e) {
            return 0;
        } catch (Exception e) {
            return ctx.fail("chat", e);
        }
    }
}
