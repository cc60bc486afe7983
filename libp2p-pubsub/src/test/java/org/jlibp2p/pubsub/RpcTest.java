package org.jlibp2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.junit.jupiter.api.Test;

/** The RPC protobuf of pubsub/README.md and the gossipsub control messages, byte for byte. */
class RpcTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aSubscriptionEncodesAsTheSpecsProtobuf() throws Exception {
        Rpc rpc = new Rpc(List.of(new Rpc.SubOpts(true, "ab")), List.of(), Optional.empty());
        // RPC.subscriptions (field 1, LEN 6) { subscribe (1, varint) = 1, topicid (2, LEN 2) = "ab" }
        assertThat(HEX.formatHex(rpc.encode())).isEqualTo("0a06" + "0801" + "12026162");
        assertThat(Rpc.decode(rpc.encode(), 1024)).isEqualTo(rpc);
    }

    @Test
    void aMessageEncodesItsFieldsInNumberOrder() throws Exception {
        Message m = new Message(new byte[] {1}, new byte[] {2}, new byte[] {3}, "t", new byte[] {5}, new byte[] {6});
        assertThat(HEX.formatHex(m.encode())).isEqualTo("0a0101" + "120102" + "1a0103" + "220174" + "2a0105" + "320106");
        // the signed bytes leave out signature and key, after the prefix
        assertThat(new String(m.signedBytes(), 0, 14, StandardCharsets.US_ASCII)).isEqualTo("libp2p-pubsub:");
        assertThat(HEX.formatHex(m.signedBytes()).substring(28)).isEqualTo("0a0101" + "120102" + "1a0103" + "220174");
        assertThat(Message.decode(m.encode(), 10)).isEqualTo(m);
    }

    @Test
    void everyControlMessageRoundTrips() throws Exception {
        MessageId id = MessageId.of(new byte[] {9, 9});
        Rpc.Control c = new Rpc.Control(List.of(new Rpc.IHave("t", List.of(id))), List.of(new Rpc.IWant(List.of(id))),
                List.of(new Rpc.Graft("t")), List.of(new Rpc.Prune("t", List.of(new Rpc.PeerInfo(new byte[] {1, 2}, null)), Optional.of(60L))),
                List.of(new Rpc.IDontWant(List.of(id))));
        Rpc rpc = Rpc.ofControl(c);
        Rpc back = Rpc.decode(rpc.encode(), 1024);
        assertThat(back.control().get().ihave()).isEqualTo(c.ihave());
        assertThat(back.control().get().iwant()).isEqualTo(c.iwant());
        assertThat(back.control().get().graft()).isEqualTo(c.graft());
        assertThat(back.control().get().prune().get(0).backoffSeconds()).contains(60L);
        assertThat(back.control().get().prune().get(0).peers().get(0).peerId()).containsExactly(1, 2);
        assertThat(back.control().get().idontwant()).isEqualTo(c.idontwant());
        // ControlMessage (field 3) { ... idontwant (field 5) { messageIDs (1) = 0909 } } ends the encoding
        assertThat(HEX.formatHex(rpc.encode())).endsWith("2a04" + "0a020909");
    }

    @Test
    void boundsAreCheckedBeforeAllocating() {
        Message big = new Message(null, new byte[100], null, "t", null, null);
        assertThatThrownBy(() -> Rpc.decode(Rpc.ofMessages(List.of(big)).encode(), 99)).isInstanceOf(MalformedMessageException.class);
        String longTopic = "x".repeat(Message.MAX_TOPIC_BYTES + 1);
        Rpc sub = new Rpc(List.of(new Rpc.SubOpts(true, longTopic)), List.of(), Optional.empty());
        assertThatThrownBy(() -> Rpc.decode(sub.encode(), 1024)).isInstanceOf(MalformedMessageException.class);
        Rpc ids = Rpc.ofControl(new Rpc.Control(List.of(), List.of(new Rpc.IWant(List.of(MessageId.of(new byte[MessageId.MAX_BYTES + 1])))),
                List.of(), List.of(), List.of()));
        assertThatThrownBy(() -> Rpc.decode(ids.encode(), 1024)).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> Message.decode(HEX.parseHex("120102"), 10)).as("topic is required").isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void unknownFieldsAreSkipped() throws Exception {
        // an RPC with field 7 (varint) before a subscription, as a newer peer might send
        byte[] bytes = HEX.parseHex("3801" + "0a06080112026162");
        assertThat(Rpc.decode(bytes, 10).subscriptions()).containsExactly(new Rpc.SubOpts(true, "ab"));
    }
}
