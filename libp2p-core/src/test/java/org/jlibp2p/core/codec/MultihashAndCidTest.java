package org.jlibp2p.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jlibp2p.core.MalformedMessageException;
import org.junit.jupiter.api.Test;

class MultihashAndCidTest {

    @Test
    void sha256MultihashOfTheEmptyString() {
        Multihash mh = Multihash.sha256(new byte[0]);
        assertThat(Multibase.hex(mh.bytes()))
                .isEqualTo("1220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void identityMultihashInlinesTheData() throws Exception {
        Multihash mh = Multihash.identity(new byte[] {1, 2, 3});
        assertThat(Multibase.hex(mh.bytes())).isEqualTo("0003010203");
        assertThat(Multihash.decode(mh.bytes())).isEqualTo(mh);
        assertThat(Multihash.decode(mh.bytes()).digest()).containsExactly(1, 2, 3);
    }

    @Test
    void decodeRejectsMalformedMultihashes() {
        assertThatThrownBy(() -> Multihash.decode(Multibase.fromHex("1220aabb")))
                .isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> Multihash.decode(Multibase.fromHex("000301020304")))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("trailing");
        assertThatThrownBy(() -> Multihash.decode(Multibase.fromHex("0003")))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> Multihash.decode(Multibase.fromHex("00ffff03")))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("over");
        assertThatThrownBy(() -> Multihash.decode(Multibase.fromHex("1202aabb")))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("sha2-256");
    }

    /**
     * The same peer id in its two text forms, from py-multiaddr tests/test_multiaddr.py (test_split):
     * a base58btc multihash and a CIDv1 (libp2p-key, base32).
     */
    @Test
    void cidAndBase58FormsOfOnePeerIdAgree() throws Exception {
        Cid cid = Cid.parse("bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm");
        assertThat(cid.codec()).isEqualTo(Cid.LIBP2P_KEY);
        assertThat(cid.multihash().toString()).isEqualTo("QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC");
        assertThat(cid.toString()).isEqualTo("bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm");
        assertThat(Cid.decode(cid.bytes())).isEqualTo(cid);
    }

    /** The example of peer-ids/peer-ids.md, "String representation". */
    @Test
    void specExampleCidRoundTrips() {
        String text = "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe";
        Cid cid = Cid.parse(text);
        assertThat(cid.multihash().code()).isEqualTo(Multihash.SHA2_256);
        assertThat(cid.toString()).isEqualTo(text);
    }

    @Test
    void cidParserRejectsOtherVersionsAndTrailingBytes() {
        assertThatThrownBy(() -> Cid.decode(Multibase.fromHex("0072000101")))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("version 0");
        assertThatThrownBy(() -> Cid.decode(Multibase.fromHex("017200010199")))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("trailing");
        assertThatThrownBy(() -> Cid.parse("bafz")).isInstanceOf(IllegalArgumentException.class);
    }
}
