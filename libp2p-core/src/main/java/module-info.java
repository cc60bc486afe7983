/**
 * libp2p core: the codecs, addresses, identities and negotiation that every layer of the stack
 * shares, the interfaces the layer modules implement, and the Host.
 *
 * <ul>
 *   <li>{@code org.jlibp2p.core}: {@link org.jlibp2p.core.Multiaddr}, {@link org.jlibp2p.core.Duplex} and
 *       the exceptions every layer throws.</li>
 *   <li>{@code org.jlibp2p.core.codec}: unsigned varints, protobuf, length-prefixed messages, multibase,
 *       multihash, CID.</li>
 *   <li>{@code org.jlibp2p.core.crypto}: keys and signatures.</li>
 *   <li>{@code org.jlibp2p.core.multistream}: multistream-select 1.0.0.</li>
 *   <li>{@code org.jlibp2p.core.memory}: in-memory pipes and the in-memory transport, for tests,
 *       examples and simulations of many hosts in one JVM.</li>
 *   <li>{@code org.jlibp2p.core.record}: signed envelopes (RFC 0002) and peer records (RFC 0003).</li>
 *   <li>{@code org.jlibp2p.core.spi}: what transports, security channels and muxers implement.</li>
 *   <li>{@code org.jlibp2p.core.host}: the Host, its services, events and peerstore.</li>
 * </ul>
 *
 * <p>{@code org.jlibp2p.core.plaintext} ({@code /plaintext/2.0.0}) is not exported: it secures
 * nothing and exists for tests and teaching, which use it from the class path.
 */
module org.jlibp2p.core {
    requires jdk.jfr; // the JDK's Flight Recorder: the host's events (part of the JDK, not a dependency)
    exports org.jlibp2p.core;
    exports org.jlibp2p.core.codec;
    exports org.jlibp2p.core.crypto;
    exports org.jlibp2p.core.memory;
    exports org.jlibp2p.core.multistream;
    exports org.jlibp2p.core.record;
    exports org.jlibp2p.core.spi;
    exports org.jlibp2p.core.host;

    uses org.jlibp2p.core.spi.Transport;
    uses org.jlibp2p.core.spi.SecureChannelFactory;
    uses org.jlibp2p.core.spi.StreamMuxer;
}
