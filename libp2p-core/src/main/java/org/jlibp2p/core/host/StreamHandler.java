package org.jlibp2p.core.host;

/**
 * Serves one inbound stream of one protocol. Each stream runs its handler on its own virtual thread.
 * When the handler returns, the host closes the stream; when it throws, the host resets the stream
 * (and only that stream).
 */
@FunctionalInterface
public interface StreamHandler {
    /**
     * Serves the stream.
     *
     * @param stream the stream, its protocol already agreed
     * @throws Exception anything; the stream is then reset
     */
    void handle(ProtocolStream stream) throws Exception;
}
