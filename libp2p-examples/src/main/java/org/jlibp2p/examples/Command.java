package org.jlibp2p.examples;

import java.util.List;

/**
 * One command of the tool. A command is added in one place: a class implementing this (most
 * dial a peer and return a {@link Result}: extend {@link ClientCommand}), listed in
 * {@link Main#COMMANDS}. Its name, help and options come from here, so {@code help}, the argument
 * checks and the dispatch follow.
 */
interface Command {
    /** {@return the name typed after {@code jlibp2p}} */
    String name();

    /** {@return the positional arguments as the usage line shows them, such as {@code <addr>}; may be empty} */
    String arguments();

    /** {@return what the command does, in one line for the command list} */
    String summary();

    /** {@return what the command does, in full, for {@code help <command>}} */
    String description();

    /** {@return the options of this command (the options of every command are added to them)} */
    List<Option> options();

    /** {@return how many positional arguments the command takes at most; one more exits 2} */
    int maxArguments();

    /**
     * Runs the command.
     *
     * @param ctx the command line, the output and what every command shares
     * @return the exit code: 0 success, 1 failure
     * @throws Cli.UsageException   for bad arguments (exit 2)
     * @throws InterruptedException if interrupted (Ctrl-C)
     */
    int run(Context ctx) throws InterruptedException;
}
