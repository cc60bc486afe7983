package org.jlibp2p.core.host;

/** Told when a host's connections open and close. Called on the host's threads; return quickly. */
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
