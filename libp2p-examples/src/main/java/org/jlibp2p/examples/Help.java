package org.jlibp2p.examples;

import java.util.ArrayList;
import java.util.List;

/** The text of {@code help}: the command list, one command's usage, and the options of every command. */
final class Help {
    /** The options every command takes, before its own. */
    static final List<Option> COMMON_OPTIONS = List.of(
            Option.value("--identity", "FILE", "a fresh key each run",
                    "the node's key, kept in FILE as go and js keep it (created, mode 0600, if missing); also " + Identity.ENV),
            Option.value("--key-type", "TYPE", "ed25519", "ed25519, secp256k1, ecdsa or rsa: the type of a new key; --key is an alias")
                    .alias("--key"),
            Option.value("--seed", "HEX", "none", "a 32-byte Ed25519 seed, as go and js derive keys (ps shows it: prefer --identity)"),
            Option.flag("--json", "one JSON object per line on stdout; logs on stderr"),
            Option.value("--log-level", "LEVEL", "info", "off, error, warning, info, debug, trace; per area: warning,noise=trace; also "
                    + ConsoleLoggerFinder.ENV),
            Option.flag("--trace", "narrate every layer (TCP, multistream, Noise, Yamux, streams, relay) on stderr"),
            Option.value("--timeout", "SECONDS", "30; perf 600; rates 30 + 2 x --seconds", "give up on the action after this long"),
            Option.value("--dial-timeout", "SECONDS", "30", "give up connecting after this long (TCP, security handshake and muxer)"),
            Option.flag("--help", "this command's help"));

    private static final String FOOTER = """
            Addresses to dial end in /p2p/<peer id>, as `listen` prints them.
            Exit codes: 0 success, 1 failure (with an error object under --json), 2 bad arguments; Ctrl-C ends
            any command cleanly, and the shell then reports 130 as it does for every program stopped by Ctrl-C.""";

    private Help() {}

    /** {@return the help of the whole tool} */
    static String overview(List<Command> commands) {
        List<String[]> rows = new ArrayList<>();
        for (Command c : commands) {
            rows.add(new String[] {c.name(), c.summary()});
        }
        List<String[]> environment = List.of(
                new String[] {Identity.ENV, "an identity file, as --identity (the option wins)"},
                new String[] {ConsoleLoggerFinder.ENV, "log levels, as --log-level, such as noise=trace,yamux=debug (the option wins)"});
        return "jlibp2p " + VersionCommand.version() + ": a libp2p node in pure Java (TCP + Noise + Yamux)\n\n"
                + "usage: jlibp2p <command> [arguments] [options]\n\n"
                + "commands:\n" + table(rows) + "\n\n"
                + "options of every command:\n" + options(COMMON_OPTIONS) + "\n\n"
                + "environment:\n" + table(environment) + "\n\n"
                + "`jlibp2p help <command>` (or `jlibp2p <command> --help`) shows a command's arguments and options.\n"
                + FOOTER;
    }

    /** {@return the help of one command} */
    static String of(Command c) {
        String text = "usage: " + usage(c) + "\n\n" + c.description() + "\n\n";
        if (!c.options().isEmpty()) {
            text += "options:\n" + options(c.options()) + "\n\n";
        }
        return text + "options of every command:\n" + options(COMMON_OPTIONS) + "\n\n" + FOOTER;
    }

    /** {@return the usage line: {@code jlibp2p ping <addr> [--count N] [--repeat K] [options]}} */
    static String usage(Command c) {
        StringBuilder sb = new StringBuilder("jlibp2p ").append(c.name());
        if (!c.arguments().isEmpty()) {
            sb.append(' ').append(c.arguments());
        }
        for (Option o : c.options()) {
            sb.append(" [").append(o.usage()).append(']');
        }
        return sb.append(" [options]").toString();
    }

    private static String options(List<Option> options) {
        List<String[]> rows = new ArrayList<>();
        for (Option o : options) {
            String help = o.help() + (o.defaultValue() == null ? "" : " (default " + o.defaultValue() + ")");
            rows.add(new String[] {o.usage(), help});
        }
        return table(rows);
    }

    /** {@return two columns, the first padded to its widest entry, indented by two spaces; no line ends in a space} */
    static String table(List<String[]> rows) {
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(("  " + r[0] + " ".repeat(width - r[0].length()) + "  " + r[1]).stripTrailing());
        }
        return sb.toString();
    }
}
