/**
 * libp2p core: the codecs, addresses, identities and negotiation that every layer of the stack shares.
 *
 * <ul>
 *   <li>{@code org.jlibp2p.core}: {@link org.jlibp2p.core.Multiaddr}, {@link org.jlibp2p.core.Duplex} and
 *       the exceptions every layer throws.</li>
 *   <li>{@code org.jlibp2p.core.codec}: unsigned varints, protobuf, length-prefixed messages, multibase,
 *       multihash, CID.</li>
 *   <li>{@code org.jlibp2p.core.multistream}: multistream-select 1.0.0.</li>
 *   <li>{@code org.jlibp2p.core.memory}: in-memory pipes and the in-memory transport, for tests,
 *       examples and simulations of many hosts in one JVM.</li>
 * </ul>
 */
module org.jlibp2p.core {
    exports org.jlibp2p.core;
    exports org.jlibp2p.core.codec;
    exports org.jlibp2p.core.crypto;
    exports org.jlibp2p.core.memory;
    exports org.jlibp2p.core.multistream;
    exports org.jlibp2p.core.plaintext;
    exports org.jlibp2p.core.spi;
    exports org.jlibp2p.core.host;

    uses org.jlibp2p.core.spi.Transport;
    uses org.jlibp2p.core.spi.SecureChannelFactory;
    uses org.jlibp2p.core.spi.StreamMuxer;
}
