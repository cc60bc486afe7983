/**
 * The jlibp2p command-line tool and the examples that teach the stack. Run {@code bin/jlibp2p help}
 * (or {@code java -jar libp2p-examples/target/jlibp2p.jar help} with a Java 21+).
 */
module org.jlibp2p.examples {
    requires org.jlibp2p.core;
    requires org.jlibp2p.tcp;
    requires org.jlibp2p.noise;
    requires org.jlibp2p.yamux;
    requires org.jlibp2p.relay;
    requires org.jlibp2p.kad;
    requires org.jlibp2p.pubsub;

    exports org.jlibp2p.examples;

    provides java.lang.System.LoggerFinder with org.jlibp2p.examples.ConsoleLoggerFinder;
}
