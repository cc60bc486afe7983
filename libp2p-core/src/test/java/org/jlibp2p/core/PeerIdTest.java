package org.jlibp2p.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jlibp2p.core.codec.Multibase;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.crypto.PublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class PeerIdTest {
    /** peer-ids/peer-ids.md test vector (Ed25519 public key) and its peer id as js-libp2p prints it. */
    private static final String ED25519_PUBLIC = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
    private static final String ED25519_ID = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";
    private static final String ED25519_CID = "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6";

    @Test
    void ed25519IdInlinesTheKey() throws Exception {
        PublicKey key = PublicKey.unmarshal(Multibase.fromHex(ED25519_PUBLIC));
        PeerId id = PeerId.fromPublicKey(key);
        assertThat(id.toBase58()).isEqualTo(ED25519_ID);
        assertThat(Multibase.hex(id.bytes())).isEqualTo("0024" + ED25519_PUBLIC);
        assertThat(id.toCid().toString()).isEqualTo(ED25519_CID);
        assertThat(id.extractPublicKey()).contains(key);
        assertThat(id.matches(key)).isTrue();
        assertThat(id.matches(PrivateKey.generate(KeyType.ED25519).publicKey())).isFalse();
    }

    @Test
    void bothTextFormsParseToTheSameId() {
        assertThat(PeerId.parse(ED25519_CID)).isEqualTo(PeerId.parse(ED25519_ID));
        assertThat(PeerId.parse(ED25519_CID).toString()).isEqualTo(ED25519_ID);
        // the spec's own example of a sha256 peer id in CID form
        PeerId hashed = PeerId.parse("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
        assertThat(hashed.toString()).startsWith("Qm");
        assertThat(PeerId.parse(hashed.toString())).isEqualTo(hashed);
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void everyKeyTypeGivesAnIdThatMatchesItsKey(KeyType type) throws Exception {
        PublicKey key = PrivateKey.generate(type).publicKey();
        PeerId id = PeerId.fromPublicKey(key);
        assertThat(id.matches(key)).isTrue();
        assertThat(PeerId.parse(id.toString())).isEqualTo(id);
        assertThat(PeerId.parse(id.toCid().toString())).isEqualTo(id);
        boolean inlined = key.marshal().length <= PeerId.MAX_INLINE_KEY_LENGTH;
        assertThat(id.extractPublicKey().isPresent()).isEqualTo(inlined);
        String prefix = switch (type) {
            case ED25519 -> "12D3KooW";
            case SECP256K1 -> "16Uiu2";
            case RSA, ECDSA -> "Qm";
        };
        assertThat(id.toString()).startsWith(prefix);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'' | empty",
        "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNK0 | base58btc character '0'",
        "Qm | truncated",
        "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy | not libp2p-key",
        "hello | unsupported multibase prefix 'h'",
        "1111 | trailing",
    })
    void invalidTextFailsClearly(String text, String message) {
        assertThatThrownBy(() -> PeerId.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void binaryFormIsChecked() {
        assertThatThrownBy(() -> PeerId.fromBytes(Multibase.fromHex("1101aa")))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("neither identity nor sha2-256");
        byte[] longIdentity = new byte[2 + 43];
        longIdentity[1] = 43;
        assertThatThrownBy(() -> PeerId.fromBytes(longIdentity))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("longer than 42");
    }

    @Test
    void orderingAndEqualityAreOnTheMultihash() {
        PeerId a = PeerId.parse(ED25519_ID);
        PeerId b = PeerId.parse(ED25519_CID);
        PeerId c = PeerId.parse("QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.compareTo(b)).isZero();
        assertThat(a.compareTo(c)).isNegative(); // 0x00... sorts before 0x12...
        assertThat(c.compareTo(a)).isPositive();
    }

    @Test
    void multiaddrCarriesThePeerId() {
        PeerId id = PeerId.parse(ED25519_ID);
        Multiaddr addr = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001").withPeerId(id);
        assertThat(addr).hasToString("/ip4/127.0.0.1/tcp/4001/p2p/" + ED25519_ID);
        assertThat(addr.peerId()).contains(id);
        assertThat(addr.withPeerId(id)).isEqualTo(addr);
        assertThat(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001").peerId()).isEmpty();
        assertThat(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + ED25519_CID).peerId()).contains(id);
    }
}
