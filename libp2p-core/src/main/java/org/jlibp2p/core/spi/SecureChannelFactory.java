package org.jlibp2p.core.spi;

import org.jlibp2p.core.crypto.PrivateKey;

/**
 * Makes a {@link SecureChannel} for an identity. Security modules register one as a
 * {@link java.util.ServiceLoader} service, so a host with nothing configured finds them.
 */
public interface SecureChannelFactory {
    /**
     * Makes the channel.
     *
     * @param identity the host's identity
     * @return a channel that authenticates as that identity
     */
    SecureChannel create(PrivateKey identity);

    /**
     * Makes the channel with the host's handshake deadline, so that the deadline lives in one place
     * ({@code Limits.handshakeTimeout}); a channel without a deadline of its own ignores it.
     *
     * @param identity         the host's identity
     * @param handshakeTimeout how long a handshake may take
     * @return a channel that authenticates as that identity
     */
    default SecureChannel create(PrivateKey identity, java.time.Duration handshakeTimeout) {
        return create(identity);
    }
}
