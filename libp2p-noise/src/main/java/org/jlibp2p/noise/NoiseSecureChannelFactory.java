package org.jlibp2p.noise;

import java.time.Duration;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.spi.SecureChannel;
import org.jlibp2p.core.spi.SecureChannelFactory;

/** Registers Noise with {@link java.util.ServiceLoader}, so a host with no security configured uses it. */
public final class NoiseSecureChannelFactory implements SecureChannelFactory {
    /** For the service loader. */
    public NoiseSecureChannelFactory() {}

    @Override
    public SecureChannel create(PrivateKey identity) {
        return new NoiseSecureChannel(identity);
    }

    @Override
    public SecureChannel create(PrivateKey identity, Duration handshakeTimeout) {
        return new NoiseSecureChannel(identity, handshakeTimeout);
    }
}
