package org.jlibp2p.examples;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;

/** {@code version} (and {@code --version}): the tool's version and the Java that runs it. */
final class VersionCommand implements Command {
    /** The version Maven wrote into the jar when it was built. */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unknown version
        }
        return p.getProperty("version", "unknown");
    }

    @Override
    public String name() {
        return "version";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "print the version and the Java running it (also --version)";
    }

    @Override
    public String description() {
        return "Print the tool's version and the Java that runs it.";
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
        String java = Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ", " + System.getProperty("java.home") + ")";
        ctx.emit(Json.object("action", "version", "ok", true, "version", version(), "java", Runtime.version().toString(),
                "javaHome", System.getProperty("java.home")), "jlibp2p " + version() + "\nJava " + java);
        return 0;
    }
}
