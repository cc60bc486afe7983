package org.jlibp2p.core.record;

/**
 * A peer record sealed by js-libp2p, to hold ours to the byte.
 *
 * <p>Produced on Node 20.20.2 with {@code @libp2p/peer-record} 9.0.16, {@code @libp2p/crypto} 5.1.23,
 * {@code @libp2p/peer-id} 6.0.15 and {@code @multiformats/multiaddr} 13.0.3: the Ed25519 key
 * {@code generateKeyPairFromSeed('Ed25519', SEED)}, a {@code PeerRecord} of that key's peer id with
 * {@code seqNumber: 1n} and the addresses {@code /ip4/127.0.0.1/tcp/4001} and {@code /ip6/::1/tcp/4002},
 * {@code RecordEnvelope.seal(record, key)}, then {@code marshal()} of the envelope and of the record.
 * Ed25519 signatures are deterministic, so the same key signing the same bytes gives the same envelope.
 */
final class JsVectors {
    /** The Ed25519 seed: bytes 0x00 to 0x1f. */
    static final String SEED = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    /** {@code privateKeyToProtobuf(key)}: type Ed25519, seed ‖ public key. */
    static final String PRIVATE_KEY = "08011240" + SEED
            + "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";

    /** {@code publicKeyToProtobuf(key.publicKey)}. */
    static final String PUBLIC_KEY = "0801122003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";

    /** {@code peerIdFromPrivateKey(key).toString()}. */
    static final String PEER_ID = "12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB";

    /** {@code record.marshal()}: peer id, seq 1, two AddressInfo messages. */
    static final String RECORD = "0a260024" + PUBLIC_KEY
            + "1001"
            + "1a0a" + "0a08" + "047f000001060fa1"
            + "1a16" + "0a14" + "2900000000000000000000000000000001060fa2";

    /** The envelope's signature. */
    static final String SIGNATURE = "41a3e2749f54dd83a708e800b62b2aa61b90fdfcf7019d86c03207fe903a73f8"
            + "c2383646e1a72b42cdeed8424b6413a96e21dbeba94803ea95a9e19680220301";

    /** {@code RecordEnvelope.seal(record, key).marshal()}, as js-libp2p printed it. */
    static final String ENVELOPE = "0a240801122003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b812020301"
            + "1a4e0a2600240801122003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b810011a0a0a08047f000001"
            + "060fa11a160a142900000000000000000000000000000001060fa22a4041a3e2749f54dd83a708e800b62b2aa61b90fdfcf7019d86c0"
            + "3207fe903a73f8c2383646e1a72b42cdeed8424b6413a96e21dbeba94803ea95a9e19680220301";

    /** The same js calls with {@code seqNumber: 0n} and no addresses: proto3 leaves out seq and addresses. */
    static final String RECORD_SEQ_0 = "0a260024" + PUBLIC_KEY;

    /** {@code RecordEnvelope.seal} of {@link #RECORD_SEQ_0}. */
    static final String ENVELOPE_SEQ_0 = "0a24" + PUBLIC_KEY + "1202" + "0301" + "1a28" + RECORD_SEQ_0 + "2a40"
            + "937d222737c4fe0bc7265a43c5d672468617413304e1a11cde915e3d2946b9ff"
            + "86d54efe094b3833639c3b90ca89f3fc446d5612c619ee948ccea4ecd72c8506";

    private JsVectors() {}
}
