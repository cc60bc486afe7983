package org.jlibp2p.examples;

import java.util.ArrayList;
import java.util.List;

/**
 * One option of the tool: its name, the older names that still work, the placeholder of its value
 * ({@code null} for a flag), its default as {@code help} shows it, and one line of help.
 *
 * @param name         the name, such as {@code --count}
 * @param value        the placeholder of the value, such as {@code N}; null for a flag
 * @param defaultValue the default, as help prints it; null when there is none to print
 * @param help         one line saying what the option does
 * @param aliases      other names accepted for it (kept when an option is renamed)
 * @param repeatable   true if it may be given more than once, each value kept ({@code --bootstrap A --bootstrap B})
 */
record Option(String name, String value, String defaultValue, String help, List<String> aliases, boolean repeatable) {
    Option {
        aliases = List.copyOf(aliases);
    }

    static Option flag(String name, String help) {
        return new Option(name, null, null, help, List.of(), false);
    }

    static Option value(String name, String value, String defaultValue, String help) {
        return new Option(name, value, defaultValue, help, List.of(), false);
    }

    /** {@return an option with a value that may be given more than once; {@link Cli#values} reads them all} */
    static Option repeatable(String name, String value, String defaultValue, String help) {
        return new Option(name, value, defaultValue, help, List.of(), true);
    }

    /** {@return this option, also accepted under {@code oldName}} */
    Option alias(String oldName) {
        List<String> all = new ArrayList<>(aliases);
        all.add(oldName);
        return new Option(name, value, defaultValue, help, all, repeatable);
    }

    boolean isFlag() {
        return value == null;
    }

    /** {@return the option as a usage line shows it: {@code --count N}} */
    String usage() {
        return isFlag() ? name : name + " " + value;
    }
}
