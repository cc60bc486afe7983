/**
 * The Noise security handshake for libp2p, {@code /noise} (libp2p/specs noise/README.md): the
 * {@code Noise_XX_25519_ChaChaPoly_SHA256} handshake of the Noise Protocol Framework, revision 34,
 * on the JDK's own X25519, ChaCha20-Poly1305 (or ChaCha20 with this module's Poly1305 where the
 * JDK's has no intrinsic) and SHA-256. The entry point is
 * {@link org.jlibp2p.noise.NoiseSecureChannel}.
 */
module org.jlibp2p.noise {
    requires transitive org.jlibp2p.core;

    exports org.jlibp2p.noise;

    provides org.jlibp2p.core.spi.SecureChannelFactory with org.jlibp2p.noise.NoiseSecureChannelFactory;
}
