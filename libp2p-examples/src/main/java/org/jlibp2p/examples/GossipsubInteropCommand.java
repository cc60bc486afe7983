package org.jlibp2p.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code gossipsub-interop}: a node of libp2p's gossipsub interop framework (see {@link GossipsubInterop}). */
final class GossipsubInteropCommand implements Command {
    @Override
    public String name() {
        return "gossipsub-interop";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "a node of libp2p's gossipsub interop framework (test-plans/gossipsub-interop)";
    }

    @Override
    public String description() {
        return """
                Run one node of libp2p's gossipsub interop framework, as its test-specs/implementation.md says: the
                node id from the host name (node<N>) or --node-id, the Ed25519 key whose seed is the little-endian node
                id, the gossipsub parameters (go's names, durations in nanoseconds) and script of --params, messages
                unsigned with ids from their first 8 bytes, and JSON logs on stdout: "PeerID" at start, "Received
                Message" (with the id in decimal) for every copy received. Listens on TCP port 9000 and reaches node M
                at the address node<M> resolves to; with --port-base P, node N listens on 127.0.0.1 port P+N and reaches
                node M at P+M, so that a network of these nodes runs on one machine. Exits 0 when the script is done.""";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--params", "FILE", "none: required", "the framework's params.json"),
                Option.value("--node-id", "N", "from the host name", "this node's id"),
                Option.value("--port-base", "P", "none: port 9000 and nodeM's address", "listen on 127.0.0.1:P+N, reach node M at P+M"));
    }

    @Override
    public int maxArguments() {
        return 0;
    }

    @Override
    public int run(Context ctx) throws InterruptedException {
        String file = ctx.cli.option("--params", null);
        if (file == null) {
            throw new Cli.UsageException("--params is required");
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new Cli.UsageException("no such params file: " + file);
        }
        String id = ctx.cli.option("--node-id", null);
        int nodeId;
        if (id != null) {
            nodeId = ctx.cli.intOption("--node-id", 0, 0, 1_000_000);
        } else {
            try {
                nodeId = GossipsubInterop.nodeIdFromHostname(InetAddress.getLocalHost().getHostName());
            } catch (IOException e) {
                throw new Cli.UsageException("cannot read the host name (" + e.getMessage() + "): give --node-id");
            }
        }
        String base = ctx.cli.option("--port-base", null);
        Integer portBase = base == null ? null : ctx.cli.intOption("--port-base", 1, 1, 64_000);
        try {
            Map<String, Object> params = GossipsubInterop.readParams(path);
            return new GossipsubInterop(ctx.out, nodeId, portBase).run(params, ctx.err);
        } catch (IOException | IllegalArgumentException | ClassCastException | NullPointerException e) {
            ctx.err.println("gossipsub-interop: " + e);
            return 1;
        }
    }
}
