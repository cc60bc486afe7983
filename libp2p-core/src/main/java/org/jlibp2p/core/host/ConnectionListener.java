package org.jlibp2p.core.host;

/**
 * Told when a host's connections open and close: a subscriber to {@link HostEvent.ConnectionOpened}
 * and {@link HostEvent.ConnectionClosed} (see {@link Host#subscribe(Class, java.util.function.Consumer)},
 * which also tells when identify completes). Called on a virtual thread of the listener's own, in
 * order, after the connection's streams are already served: a listener may open streams.
 */
public interface ConnectionListener {
    /**
     * A connection was established (after the upgrade, before identify).
     *
     * @param connection the connection
     */
    default void opened(Connection connection) {}

    /**
     * A connection ended.
     *
     * @param connection the connection
     */
    default void closed(Connection connection) {}
}
