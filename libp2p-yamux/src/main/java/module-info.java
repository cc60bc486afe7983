/**
 * Yamux stream multiplexing, {@code /yamux/1.0.0} (libp2p/specs yamux/README.md). The entry point is
 * {@link org.jlibp2p.yamux.YamuxMuxer}; it also registers itself as a
 * {@link org.jlibp2p.core.spi.StreamMuxer} service, so a host finds it on the module or class path.
 */
module org.jlibp2p.yamux {
    requires transitive org.jlibp2p.core;
    requires jdk.jfr; // the window-stall flight recorder event

    exports org.jlibp2p.yamux;

    provides org.jlibp2p.core.spi.StreamMuxer with org.jlibp2p.yamux.YamuxMuxer;
}
