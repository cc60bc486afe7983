package org.jlibp2p.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jlibp2p.core.codec.Multibase.fromHex;
import static org.jlibp2p.core.codec.Multibase.hex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.MessageTooLargeException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.ProtobufWriter;
import org.jlibp2p.core.codec.Varint;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.testing.Fuzz;
import org.junit.jupiter.api.Test;

class PeerRecordTest {
    private static final PrivateKey KEY = PrivateKey.ed25519FromSeed(fromHex(JsVectors.SEED));
    private static final PeerId PEER = PeerId.fromPublicKey(KEY.publicKey());
    private static final List<Multiaddr> ADDRS = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"), Multiaddr.parse("/ip6/::1/tcp/4002"));

    @Test
    void theFixedKeyIsJsLibp2psKey() {
        assertThat(hex(KEY.marshal())).isEqualTo(JsVectors.PRIVATE_KEY);
        assertThat(hex(KEY.publicKey().marshal())).isEqualTo(JsVectors.PUBLIC_KEY);
        assertThat(PEER.toBase58()).isEqualTo(JsVectors.PEER_ID);
    }

    /** The envelope js-libp2p sealed opens here, to the exact peer id, seq and addresses. */
    @Test
    void aJsLibp2pEnvelopeOpensToTheExactRecord() throws Exception {
        PeerRecord record = PeerRecord.open(fromHex(JsVectors.ENVELOPE));
        assertThat(record.peerId().toBase58()).isEqualTo(JsVectors.PEER_ID);
        assertThat(record.seq()).isEqualTo(1);
        assertThat(record.addrs()).extracting(Multiaddr::toString).containsExactly("/ip4/127.0.0.1/tcp/4001", "/ip6/::1/tcp/4002");
        assertThat(record).isEqualTo(new PeerRecord(PEER, 1, ADDRS));

        Envelope envelope = Envelope.open(fromHex(JsVectors.ENVELOPE), PeerRecord.DOMAIN);
        assertThat(envelope.payloadType()).containsExactly(0x03, 0x01);
        assertThat(hex(envelope.payload())).isEqualTo(JsVectors.RECORD);
        assertThat(hex(envelope.signature())).isEqualTo(JsVectors.SIGNATURE);
        assertThat(envelope.signer()).isEqualTo(PEER);
        assertThat(PeerRecord.fromEnvelope(envelope)).isEqualTo(record);
    }

    /** Ed25519 signatures are deterministic: with js-libp2p's key, our seal is its envelope, byte for byte. */
    @Test
    void ourSealIsByteIdenticalToJsLibp2p() {
        PeerRecord record = new PeerRecord(PEER, 1, ADDRS);
        assertThat(hex(record.encode())).isEqualTo(JsVectors.RECORD);
        assertThat(hex(record.seal(KEY).marshal())).isEqualTo(JsVectors.ENVELOPE);
        assertThat(JsVectors.ENVELOPE).isEqualTo("0a24" + JsVectors.PUBLIC_KEY + "1202" + "0301" + "1a4e" + JsVectors.RECORD
                + "2a40" + JsVectors.SIGNATURE);
    }

    /** proto3 leaves out a zero seq and an empty address list; so does js-libp2p, and so do we. */
    @Test
    void zeroSeqAndNoAddressesAreLeftOutAsJsLibp2pDoes() throws Exception {
        PeerRecord empty = new PeerRecord(PEER, 0, List.of());
        assertThat(hex(empty.encode())).isEqualTo(JsVectors.RECORD_SEQ_0);
        assertThat(hex(empty.seal(KEY).marshal())).isEqualTo(JsVectors.ENVELOPE_SEQ_0);
        assertThat(PeerRecord.open(fromHex(JsVectors.ENVELOPE_SEQ_0))).isEqualTo(empty);
    }

    @Test
    void constants() {
        assertThat(PeerRecord.DOMAIN).isEqualTo("libp2p-peer-record");
        assertThat(PeerRecord.payloadType()).containsExactly(0x03, 0x01);
        assertThat(PeerRecord.MULTICODEC).isEqualTo(0x0301);
        // Not the multicodec's unsigned varint, which go and js do not send.
        assertThat(Varint.encode(PeerRecord.MULTICODEC)).containsExactly(0x81, 0x06);
        PeerRecord.payloadType()[0] = 0;
        assertThat(PeerRecord.payloadType()).containsExactly(0x03, 0x01);
    }

    @Test
    void roundTripsWithEveryKeyTypeAndAFullSeq() throws Exception {
        for (KeyType type : KeyType.values()) {
            PrivateKey key = PrivateKey.generate(type);
            PeerRecord record = new PeerRecord(PeerId.fromPublicKey(key.publicKey()), -1L, ADDRS); // seq 2^64-1
            assertThat(PeerRecord.decode(record.encode())).isEqualTo(record);
            assertThat(PeerRecord.open(record.seal(key).marshal())).as(type.name()).isEqualTo(record);
        }
        assertThat(new PeerRecord(PEER, -1L, List.of()).toString()).contains("seq=18446744073709551615");
    }

    @Test
    void aRecordSignedByAnotherPeerIsRefused() {
        PrivateKey mallory = PrivateKey.generate(KeyType.ED25519);
        PeerId malloryId = PeerId.fromPublicKey(mallory.publicKey());
        PeerRecord record = new PeerRecord(PEER, 7, ADDRS);
        // Mallory signs, correctly, a record claiming addresses for PEER.
        Envelope forged = Envelope.seal(mallory, PeerRecord.DOMAIN, PeerRecord.payloadType(), record.encode());
        assertThatThrownBy(() -> PeerRecord.fromEnvelope(forged)).isInstanceOfSatisfying(SignerMismatchException.class, e -> {
            assertThat(e.subject()).isEqualTo(PEER);
            assertThat(e.signer()).isEqualTo(malloryId);
        });
        assertThatThrownBy(() -> PeerRecord.open(forged.marshal())).isInstanceOf(SignerMismatchException.class);
        // And our own seal will not make such an envelope.
        assertThatThrownBy(() -> record.seal(mallory)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(malloryId.toString());
    }

    @Test
    void anotherDomainIsRefused() {
        byte[] payload = new PeerRecord(PEER, 1, ADDRS).encode();
        Envelope rsvp = Envelope.seal(KEY, "libp2p-relay-rsvp", PeerRecord.payloadType(), payload);
        assertThatThrownBy(() -> PeerRecord.fromEnvelope(rsvp)).isInstanceOf(InvalidSignatureException.class);
        // The RFC's draft domain, which rust-libp2p still uses by default.
        Envelope draft = Envelope.seal(KEY, "libp2p-routing-state", PeerRecord.payloadType(), payload);
        assertThatThrownBy(() -> PeerRecord.open(draft.marshal())).isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void anotherPayloadTypeIsRefused() {
        byte[] payload = new PeerRecord(PEER, 1, ADDRS).encode();
        for (byte[] type : new byte[][] {{0x03, 0x02}, {(byte) 0x81, 0x06}, {}, "/libp2p/routing-state-record".getBytes()}) {
            Envelope envelope = Envelope.seal(KEY, PeerRecord.DOMAIN, type, payload);
            assertThatThrownBy(() -> PeerRecord.fromEnvelope(envelope)).as(hex(type))
                    .isInstanceOf(MalformedMessageException.class)
                    .isNotInstanceOf(InvalidSignatureException.class)
                    .hasMessageContaining("payload type");
        }
    }

    /** RFC 0003: "a peer MUST validate the signature before deserializing", so garbage under a bad signature is a signature error. */
    @Test
    void theSignatureIsCheckedBeforeThePayloadIsRead() {
        Envelope unsigned = new Envelope(KEY.publicKey(), PeerRecord.payloadType(), new byte[] {(byte) 0xff, 0x01}, new byte[64]);
        assertThatThrownBy(() -> PeerRecord.fromEnvelope(unsigned)).isInstanceOf(InvalidSignatureException.class);
        Envelope signedGarbage = Envelope.seal(KEY, PeerRecord.DOMAIN, PeerRecord.payloadType(), new byte[] {(byte) 0xff, 0x01});
        assertThatThrownBy(() -> PeerRecord.fromEnvelope(signedGarbage)).isInstanceOf(MalformedMessageException.class)
                .isNotInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void unparsableAddressesAreSkipped() throws Exception {
        byte[] payload = new ProtobufWriter()
                .writeBytes(1, PEER.bytes())
                .writeVarint(2, 3)
                .writeMessage(3, new ProtobufWriter().writeBytes(1, ADDRS.get(0).bytes()))
                .writeMessage(3, new ProtobufWriter().writeBytes(1, fromHex("ffff03"))) // unknown protocol code
                .writeMessage(3, new ProtobufWriter().writeBytes(1, new byte[0]))        // empty multiaddr
                .writeMessage(3, new ProtobufWriter().writeVarint(2, 1))               // no multiaddr at all
                .writeMessage(3, new ProtobufWriter().writeBytes(1, ADDRS.get(1).bytes()).writeVarint(2, 9)) // a future field
                .toByteArray();
        assertThat(PeerRecord.decode(payload)).isEqualTo(new PeerRecord(PEER, 3, ADDRS));
        Envelope envelope = Envelope.seal(KEY, PeerRecord.DOMAIN, PeerRecord.payloadType(), payload);
        assertThat(PeerRecord.open(envelope.marshal()).addrs()).isEqualTo(ADDRS);
    }

    @Test
    void theNumberOfAddressesIsBounded() throws Exception {
        List<Multiaddr> max = Collections.nCopies(PeerRecord.MAX_ADDRESSES, ADDRS.get(0));
        assertThat(PeerRecord.decode(new PeerRecord(PEER, 1, max).encode()).addrs()).hasSize(PeerRecord.MAX_ADDRESSES);
        List<Multiaddr> tooMany = new ArrayList<>(max);
        tooMany.add(ADDRS.get(1));
        assertThatThrownBy(() -> new PeerRecord(PEER, 1, tooMany)).isInstanceOf(IllegalArgumentException.class);
        ProtobufWriter w = new ProtobufWriter().writeBytes(1, PEER.bytes());
        for (int i = 0; i <= PeerRecord.MAX_ADDRESSES; i++) {
            w.writeMessage(3, new ProtobufWriter().writeBytes(1, fromHex("ffff03")));
        }
        byte[] payload = w.toByteArray();
        assertThatThrownBy(() -> PeerRecord.decode(payload)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("more than " + PeerRecord.MAX_ADDRESSES);
    }

    @Test
    void malformedRecordsAreRefused() {
        byte[] noPeer = new ProtobufWriter().writeVarint(2, 1).toByteArray();
        assertThatThrownBy(() -> PeerRecord.decode(noPeer)).isInstanceOf(MalformedMessageException.class).hasMessageContaining("peer id");
        byte[] badPeer = new ProtobufWriter().writeBytes(1, new byte[] {0x55, 0x01, 0x00}).toByteArray();
        assertThatThrownBy(() -> PeerRecord.decode(badPeer)).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> PeerRecord.decode(new byte[Envelope.MAX_BYTES + 1])).isInstanceOf(MessageTooLargeException.class);
        assertThatThrownBy(() -> PeerRecord.open(new byte[Envelope.MAX_BYTES + 1])).isInstanceOf(MessageTooLargeException.class);
    }

    @Test
    void fuzzedRecordsOnlyEverFailAsMalformed() throws Exception {
        List<byte[]> payloads = List.of(fromHex(JsVectors.RECORD), fromHex(JsVectors.RECORD_SEQ_0));
        Fuzz.decoder("peer record", PeerRecord::decode)
                .seeds(payloads)
                .roundTrip(PeerRecord::encode)
                .rejects(MalformedMessageException.class)
                .decodedShareAtLeast(0.03) // measured: 12.4%
                .run();
        List<byte[]> envelopes = List.of(fromHex(JsVectors.ENVELOPE), fromHex(JsVectors.ENVELOPE_SEQ_0));
        Fuzz.decoder("peer record, opened", PeerRecord::open)
                .seed(envelopes.get(0), PeerRecord.open(envelopes.get(0)))
                .seed(envelopes.get(1), PeerRecord.open(envelopes.get(1)))
                .rejects(MalformedMessageException.class)
                .decodedShareAtLeast(0.0005) // measured: 0.17-0.19% (mutations of unknown or unsigned bytes)
                .run();
    }
}
