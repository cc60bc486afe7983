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
        return """
                The test app of the libp2p transport interop harness, in both its generations (libp2p/test-plans
                and libp2p/unified-testing): the listener pushes its address to a Redis list, the dialer pops it,
                dials, pings once and prints the handshake and ping times. Configured by these environment
                variables (the unified generation's names, selected by IS_DIALER being set, then test-plans'):
                """ + TransportInterop.variables();
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
        return new TransportInterop(ctx.env, ctx.out, ctx.err, Identity.configured(ctx.cli, ctx.env).orElse(null)).run();
    }
}
