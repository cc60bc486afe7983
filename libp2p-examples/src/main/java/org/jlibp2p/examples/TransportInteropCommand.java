package org.jlibp2p.examples;

import java.util.List;

/** {@code transport-interop}: the test app of the libp2p interop harness, configured by environment variables. */
final class TransportInteropCommand implements Command {
    @Override
    public String name() {
        return "transport-interop";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "the libp2p interop harness's test app (configured by environment variables)";
    }

    @Override
    public String description() {
        return "The test app of the libp2p transport interop harness, configured by environment variables.";
    }

    @Override
    public List<Option> options() {
        return List.of();
    }

    @Override
    public int maxArguments() {
        return 0;
    }

    @Override
    public int run(Context ctx) {
        return new TransportInterop(ctx.env, ctx.out, ctx.err).run();
    }
}
