package org.jlibp2p.examples;

import java.util.List;

/** {@code help [<command>]}: the tool's help, or one command's. */
final class HelpCommand implements Command {
    @Override
    public String name() {
        return "help";
    }

    @Override
    public String arguments() {
        return "[<command>]";
    }

    @Override
    public String summary() {
        return "this text, or one command's arguments and options (also --help)";
    }

    @Override
    public String description() {
        return "Print what the tool does, or with a command name, that command's arguments and options with their defaults.";
    }

    @Override
    public List<Option> options() {
        return List.of();
    }

    @Override
    public int maxArguments() {
        return 1;
    }

    @Override
    public int run(Context ctx) {
        if (ctx.cli.positional.isEmpty()) {
            ctx.out.println(Help.overview(Main.COMMANDS));
            return 0;
        }
        String name = ctx.cli.positional.get(0);
        Command c = Main.command(name);
        if (c == null) {
            throw new Cli.UsageException("unknown command '" + name + "'");
        }
        ctx.out.println(Help.of(c));
        return 0;
    }
}
