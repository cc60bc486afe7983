package org.jlibp2p.core.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;
import org.jlibp2p.core.crypto.PublicKey;

/**
 * The identify message (identify/README.md): what a peer says about itself.
 *
 * <pre>
 * message Identify {
 *   optional string protocolVersion = 5;
 *   optional string agentVersion = 6;
 *   optional bytes publicKey = 1;
 *   repeated bytes listenAddrs = 2;
 *   optional bytes observedAddr = 4;
 *   repeated string protocols = 3;
 *   optional bytes signedPeerRecord = 8;
 * }
 * </pre>
 *
 * Field 8 is not in identify/README.md's message but in go-libp2p's and js-libp2p's: a signed
 * envelope (RFC 0002) holding the sender's peer record (RFC 0003), its listen addresses signed by its
 * own key, so that they can be passed on by others (the DHT, a relay) and still be trusted.
 *
 * Addresses that do not parse (protocols this library does not know) are skipped, not fatal.
 *
 * @param publicKey       the sender's public key
 * @param listenAddrs     where it listens
 * @param protocols       what it serves; null in a push that does not mention protocols
 * @param observedAddr    the address the sender sees us at
 * @param protocolVersion its protocol family, such as {@code ipfs/0.1.0}
 * @param agentVersion    its implementation, such as {@code jlibp2p/0.1.0}
 * @param signedPeerRecord the marshalled signed envelope of its peer record, not yet verified
 */
public record IdentifyInfo(Optional<PublicKey> publicKey, List<Multiaddr> listenAddrs, List<String> protocols,
                           Optional<Multiaddr> observedAddr, Optional<String> protocolVersion, Optional<String> agentVersion,
                           Optional<byte[]> signedPeerRecord) {
    /**
     * An identify message without a signed peer record.
     *
     * @param publicKey       the sender's public key
     * @param listenAddrs     where it listens
     * @param protocols       what it serves; null in a push that does not mention protocols
     * @param observedAddr    the address the sender sees us at
     * @param protocolVersion its protocol family
     * @param agentVersion    its implementation
     */
    public IdentifyInfo(Optional<PublicKey> publicKey, List<Multiaddr> listenAddrs, List<String> protocols,
                        Optional<Multiaddr> observedAddr, Optional<String> protocolVersion, Optional<String> agentVersion) {
        this(publicKey, listenAddrs, protocols, observedAddr, protocolVersion, agentVersion, Optional.empty());
    }

    /**
     * The largest identify message accepted, as go-libp2p and js-libp2p accept; what we send is at most
     * 4 KiB in each message but the signed record's ({@link IdentifyWriter}).
     */
    public static final int MAX_MESSAGE_LENGTH = 8 * 1024;
    private static final int MAX_ENTRIES = 1024;

    byte[] encode() {
        ProtobufWriter w = new ProtobufWriter();
        publicKey.ifPresent(k -> w.writeBytes(1, k.marshal()));
        listenAddrs.forEach(a -> w.writeBytes(2, a.bytes()));
        if (protocols != null) {
            protocols.forEach(p -> w.writeString(3, p));
        }
        observedAddr.ifPresent(a -> w.writeBytes(4, a.bytes()));
        protocolVersion.ifPresent(v -> w.writeString(5, v));
        agentVersion.ifPresent(v -> w.writeString(6, v));
        signedPeerRecord.ifPresent(r -> w.writeBytes(8, r));
        return w.toByteArray();
    }

    static IdentifyInfo decode(byte[] message) throws MalformedMessageException {
        PublicKey key = null;
        List<Multiaddr> addrs = new ArrayList<>();
        List<String> protocols = null;
        Multiaddr observed = null;
        String protocolVersion = null;
        String agentVersion = null;
        byte[] record = null;
        int entries = 0;
        ProtobufReader r = new ProtobufReader(message);
        while (r.next()) {
            if (++entries > MAX_ENTRIES) {
                throw new MalformedMessageException("identify: more than " + MAX_ENTRIES + " fields");
            }
            switch (r.fieldNumber()) {
                case 1 -> key = PublicKey.unmarshal(r.readBytes(MAX_MESSAGE_LENGTH));
                case 2 -> parse(r.readBytes(MAX_MESSAGE_LENGTH)).ifPresent(addrs::add);
                case 3 -> {
                    if (protocols == null) {
                        protocols = new ArrayList<>();
                    }
                    protocols.add(r.readString(1024));
                }
                case 4 -> observed = parse(r.readBytes(MAX_MESSAGE_LENGTH)).orElse(null);
                case 5 -> protocolVersion = r.readString(1024);
                case 6 -> agentVersion = r.readString(1024);
                case 8 -> record = r.readBytes(MAX_MESSAGE_LENGTH);
                default -> r.skip();
            }
        }
        return new IdentifyInfo(Optional.ofNullable(key), addrs, protocols, Optional.ofNullable(observed),
                Optional.ofNullable(protocolVersion), Optional.ofNullable(agentVersion), Optional.ofNullable(record));
    }

    private static Optional<Multiaddr> parse(byte[] bytes) {
        try {
            return Optional.of(Multiaddr.fromBytes(bytes));
        } catch (MalformedMessageException e) {
            return Optional.empty();
        }
    }
}
