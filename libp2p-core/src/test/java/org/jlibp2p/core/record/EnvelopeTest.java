package org.jlibp2p.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jlibp2p.core.codec.Multibase.fromHex;
import static org.jlibp2p.core.codec.Multibase.hex;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.MessageTooLargeException;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.ProtobufWriter;
import org.jlibp2p.core.codec.Varint;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.testing.Fuzz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EnvelopeTest {
    private static final String DOMAIN = "jlibp2p-test";
    private static final byte[] TYPE = {0x03, 0x09};
    private static final byte[] PAYLOAD = "hello, envelope".getBytes(StandardCharsets.UTF_8);
    private static final PrivateKey FIXED = PrivateKey.ed25519FromSeed(fromHex(JsVectors.SEED));

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void sealMarshalOpenRoundTripsForEveryKeyType(KeyType type) throws Exception {
        PrivateKey key = PrivateKey.generate(type);
        Envelope sealed = Envelope.seal(key, DOMAIN, TYPE, PAYLOAD);
        Envelope opened = Envelope.open(sealed.marshal(), DOMAIN);
        assertThat(opened).isEqualTo(sealed).hasSameHashCodeAs(sealed);
        assertThat(opened.payload()).isEqualTo(PAYLOAD);
        assertThat(opened.payloadType()).isEqualTo(TYPE);
        assertThat(opened.publicKey()).isEqualTo(key.publicKey());
        assertThat(opened.signer()).isEqualTo(PeerId.fromPublicKey(key.publicKey()));
        assertThat(opened.marshal()).isEqualTo(sealed.marshal());
    }

    /** RFC 0002 "Signature Production / Verification": three uvarint-prefixed fields, the domain first. */
    @Test
    void theSignatureCoversTheLengthPrefixedDomainTypeAndPayload() {
        assertThat(hex(Envelope.unsignedBytes("ab", new byte[] {1}, new byte[] {2, 3})))
                .isEqualTo("02" + "6162" + "01" + "01" + "02" + "0203");
        byte[] big = new byte[200];
        assertThat(hex(Envelope.unsignedBytes("é", new byte[0], big))).isEqualTo("02" + "c3a9" + "00" + "c801" + hex(big));

        Envelope sealed = Envelope.seal(FIXED, DOMAIN, TYPE, PAYLOAD);
        byte[] unsigned = concat(Varint.encode(DOMAIN.length()), DOMAIN.getBytes(StandardCharsets.US_ASCII),
                Varint.encode(TYPE.length), TYPE, Varint.encode(PAYLOAD.length), PAYLOAD);
        assertThat(FIXED.publicKey().verify(unsigned, sealed.signature())).isTrue();
        assertThat(sealed.signature()).isEqualTo(FIXED.sign(unsigned)); // Ed25519 is deterministic
    }

    /**
     * Field numbers 1, 2, 3 and 5 (not the RFC's 4), in that order, empty fields left out as proto3 does.
     * The signature is what js-libp2p's {@code RecordEnvelope.seal} (versions in {@link JsVectors}) makes
     * for a record of domain {@code jlibp2p-test}, codec {@code 03 09} and this payload, with the same key.
     */
    @Test
    void exactWireBytesForAFixedEd25519Key() throws Exception {
        Envelope sealed = Envelope.seal(FIXED, DOMAIN, TYPE, PAYLOAD);
        String jsSignature = "b6690f4bd63e6e4dc317648cd11f81eb98469a8c2c617d6f79e960e2bbd28096"
                + "b56e82f4d3f00053a3d2fbb33298dea2a688cd25ce51d632eca511d201cfea02";
        assertThat(hex(sealed.marshal())).isEqualTo("0a24" + JsVectors.PUBLIC_KEY + "1202" + "0309" + "1a0f" + hex(PAYLOAD)
                + "2a40" + jsSignature);

        Envelope bare = Envelope.seal(FIXED, DOMAIN, new byte[0], new byte[0]);
        assertThat(hex(bare.marshal())).isEqualTo("0a24" + JsVectors.PUBLIC_KEY + "2a40" + hex(bare.signature()));
        assertThat(Envelope.open(bare.marshal(), DOMAIN)).isEqualTo(bare);
    }

    @Test
    void aSignatureForOneDomainIsInvalidForAnother() throws Exception {
        byte[] bytes = Envelope.seal(FIXED, DOMAIN, TYPE, PAYLOAD).marshal();
        assertThatThrownBy(() -> Envelope.open(bytes, "jlibp2p-other")).isInstanceOf(InvalidSignatureException.class)
                .hasMessageContaining("jlibp2p-other");
        assertThatThrownBy(() -> Envelope.open(bytes, PeerRecord.DOMAIN)).isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> Envelope.unmarshal(bytes).verify(DOMAIN + " ")).isInstanceOf(InvalidSignatureException.class);
        Envelope.unmarshal(bytes).verify(DOMAIN);
    }

    @Test
    void theDomainMustNotBeEmpty() {
        byte[] bytes = Envelope.seal(FIXED, DOMAIN, TYPE, PAYLOAD).marshal();
        assertThatThrownBy(() -> Envelope.seal(FIXED, "", TYPE, PAYLOAD)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Envelope.open(bytes, "")).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Every bit of the js-libp2p envelope, flipped one at a time, makes it unopenable; inside the signed
     * fields (payload type, payload) and the signature the failure is the signature check itself.
     */
    @Test
    void everyTamperedBitIsRejected() throws Exception {
        byte[] good = fromHex(JsVectors.ENVELOPE);
        Envelope.open(good, PeerRecord.DOMAIN);
        int keyStart = 2;
        int typeStart = keyStart + fromHex(JsVectors.PUBLIC_KEY).length + 2;
        int payloadStart = typeStart + 2 + 2;
        int signatureStart = payloadStart + fromHex(JsVectors.RECORD).length + 2;
        assertThat(signatureStart + 64).isEqualTo(good.length);
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                boolean signedValue = (i >= typeStart && i < typeStart + 2) || (i >= payloadStart && i < signatureStart - 2)
                        || i >= signatureStart;
                String where = "byte " + i + " bit " + bit;
                if (signedValue) {
                    assertThatThrownBy(() -> Envelope.open(bad, PeerRecord.DOMAIN)).as(where).isInstanceOf(InvalidSignatureException.class);
                } else {
                    assertThatThrownBy(() -> Envelope.open(bad, PeerRecord.DOMAIN)).as(where).isInstanceOf(MalformedMessageException.class);
                }
            }
        }
    }

    /** Swapping in another key, even a well-formed one, breaks the signature. */
    @Test
    void anotherPublicKeyIsRejected() {
        Envelope sealed = Envelope.seal(FIXED, DOMAIN, TYPE, PAYLOAD);
        Envelope swapped = new Envelope(PrivateKey.generate(KeyType.ED25519).publicKey(), TYPE, PAYLOAD, sealed.signature());
        assertThatThrownBy(() -> Envelope.open(swapped.marshal(), DOMAIN)).isInstanceOf(InvalidSignatureException.class);
        Envelope unsigned = new Envelope(FIXED.publicKey(), TYPE, PAYLOAD, new byte[0]);
        assertThatThrownBy(() -> Envelope.open(unsigned.marshal(), DOMAIN)).isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] good = fromHex(JsVectors.ENVELOPE);
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThatThrownBy(() -> Envelope.open(cut, PeerRecord.DOMAIN)).as("first " + n + " bytes")
                    .isInstanceOf(MalformedMessageException.class);
        }
    }

    @Test
    void oversizedInputIsRejectedBeforeItIsRead() {
        assertThatThrownBy(() -> Envelope.unmarshal(new byte[Envelope.MAX_BYTES + 1]))
                .isInstanceOfSatisfying(MessageTooLargeException.class, e -> {
                    assertThat(e.length()).isEqualTo(Envelope.MAX_BYTES + 1);
                    assertThat(e.limit()).isEqualTo(Envelope.MAX_BYTES);
                });
        // A few bytes that announce a 1 GiB payload: refused on the length, nothing allocated for it.
        byte[] liar = concat(new byte[] {0x1a}, Varint.encode(1L << 30));
        assertThatThrownBy(() -> Envelope.unmarshal(liar)).isInstanceOf(MessageTooLargeException.class);
        // Sealing what nobody would open is refused too.
        assertThatThrownBy(() -> Envelope.seal(FIXED, DOMAIN, TYPE, new byte[Envelope.MAX_BYTES]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingPublicKeyIsMalformed() {
        byte[] noKey = new ProtobufWriter().writeBytes(2, TYPE).writeBytes(3, PAYLOAD).writeBytes(5, new byte[64]).toByteArray();
        assertThatThrownBy(() -> Envelope.unmarshal(noKey)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("public key");
    }

    /** Unknown fields are skipped, as protobuf requires; they are not signed, so the envelope still opens. */
    @Test
    void unknownFieldsAreSkipped() throws Exception {
        byte[] good = fromHex(JsVectors.ENVELOPE);
        byte[] extended = concat(good, new ProtobufWriter().writeVarint(4, 7).writeBytes(9, new byte[3]).toByteArray());
        assertThat(Envelope.open(extended, PeerRecord.DOMAIN)).isEqualTo(Envelope.unmarshal(good));
    }

    @Test
    void byteArraysAreCopiedInAndOut() {
        byte[] type = TYPE.clone();
        byte[] payload = PAYLOAD.clone();
        Envelope sealed = Envelope.seal(FIXED, DOMAIN, type, payload);
        type[0] = 0x7f;
        payload[0] = 0x7f;
        sealed.payload()[1] = 0x7f;
        sealed.payloadType()[1] = 0x7f;
        sealed.signature()[0] ^= 1;
        assertThat(sealed.payload()).isEqualTo(PAYLOAD);
        assertThat(sealed.payloadType()).isEqualTo(TYPE);
        assertThat(sealed.hasPayloadType(TYPE)).isTrue();
        assertThat(FIXED.publicKey().verify(Envelope.unsignedBytes(DOMAIN, TYPE, PAYLOAD), sealed.signature())).isTrue();
        assertThat(sealed.toString()).contains(PeerId.fromPublicKey(FIXED.publicKey()).toString(), "0309", "15 bytes", "64 bytes");
    }

    @Test
    void fuzzedEnvelopesOnlyEverFailAsMalformed() {
        List<byte[]> seeds = List.of(fromHex(JsVectors.ENVELOPE), Envelope.seal(FIXED, DOMAIN, TYPE, PAYLOAD).marshal());
        Fuzz.decoder("signed envelope", Envelope::unmarshal)
                .seeds(seeds)
                .roundTrip(Envelope::marshal)
                .rejects(MalformedMessageException.class)
                .decodedShareAtLeast(0.03) // measured: 12.4%
                .run();
        // opening checks the signature too: a mutation almost never passes it, and never throws anything else
        Fuzz.decoder("signed envelope, opened", bytes -> Envelope.open(bytes, PeerRecord.DOMAIN))
                .seeds(List.of(fromHex(JsVectors.ENVELOPE)))
                .roundTrip(Envelope::marshal)
                .rejects(MalformedMessageException.class)
                .decodedShareAtLeast(0.0005) // measured: 0.17-0.19% (mutations of unknown or unsigned bytes)
                .run();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
