/**
 * Signed records: data a peer signs so that others can pass it on without being trusted.
 *
 * <p><b>Signed envelopes</b> (libp2p/specs RFC/0002-signed-envelopes.md, {@link org.jlibp2p.core.record.Envelope}).
 * An envelope carries an opaque payload, a payload type (a multicodec that says how to read the
 * payload), the signer's public key and a signature. What is signed is not the envelope but the
 * concatenation {@code uvarint(len(domain)) ‖ domain ‖ uvarint(len(payload_type)) ‖ payload_type ‖
 * uvarint(len(payload)) ‖ payload}, where the domain is a string named by the subsystem that uses the
 * envelope and never sent. The domain is the point: "a signature made for a specific purpose MUST NOT
 * be considered valid for a different purpose" (section "Domain Separation"). Without it, a peer that
 * signed bytes for one protocol (its addresses, say) could have that signature replayed as a
 * statement in another (a pubsub message, a relay voucher) whose payload happens to parse the same.
 * With it, a verifier that expects domain B recomputes the signed bytes with B and the signature made
 * over A fails. The length prefixes make the concatenation unambiguous, so no choice of domain,
 * type and payload can collide with another. The public key travels in the envelope, so anyone can
 * verify it offline and derive the signer's peer id from it.
 *
 * <p><b>Peer records</b> (libp2p/specs RFC/0003-routing-records.md, {@link org.jlibp2p.core.record.PeerRecord}).
 * Addresses learned from the DHT, a rendezvous point or a pubsub message come through third parties
 * who may lie. A peer record is a peer's own list of listen addresses with a sequence number, signed
 * by that peer in an envelope of domain {@code libp2p-peer-record} and payload type {@code 03 01}
 * (multicodec {@code libp2p-peer-record}, 0x0301). A receiver checks the signature before it reads
 * the payload, then checks that the record's peer id is the signer's, so a peer can only certify
 * addresses for itself; among valid records for one peer, the greatest {@code seq} wins. Such
 * "self-certified" addresses can be preferred over, or dialed instead of, addresses of unknown
 * origin. Identify carries the local peer's record in its {@code signedPeerRecord} field.
 *
 * <p><b>Relay reservation vouchers</b> (circuit-v2, relay/circuit-v2.md, "Reservation Vouchers") are
 * the next user of {@link org.jlibp2p.core.record.Envelope}: a relay signs its {@code Voucher} with
 * domain {@code libp2p-relay-rsvp} and payload type {@code 03 02} (multicodec {@code libp2p-relay-rsvp},
 * 0x0302), the values of go-libp2p's {@code p2p/protocol/circuitv2/proto}. They need no change here,
 * only a payload class beside {@code PeerRecord}.
 *
 * <p>Where the RFCs and the deployed implementations differ, this package follows go-libp2p and
 * js-libp2p, and its tests hold a js-libp2p envelope to the byte: the envelope's signature is protobuf
 * field 5 (RFC 0002 says 4); the peer record domain and payload type are the ones above (RFC 0003
 * still names the drafts {@code libp2p-routing-state} and {@code /libp2p/routing-state-record}); and
 * the payload type bytes are the multicodec code written big-endian, not its unsigned varint.
 */
package org.jlibp2p.core.record;
