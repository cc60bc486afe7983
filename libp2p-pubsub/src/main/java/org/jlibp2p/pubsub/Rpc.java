package org.jlibp2p.pubsub;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;

/**
 * One RPC of pubsub/README.md ("The RPC"), with the control messages of gossipsub v1.0 ("Control
 * messages"), v1.1 ("Peer Exchange on PRUNE", the backoff) and v1.2 (IDONTWANT). Each RPC travels
 * length-prefixed (unsigned varint) on the sender's long-lived stream.
 *
 * <pre>
 * message RPC { repeated SubOpts subscriptions = 1; repeated Message publish = 2; optional ControlMessage control = 3; }
 * message SubOpts { optional bool subscribe = 1; optional string topicid = 2; }
 * message ControlMessage { repeated ControlIHave ihave = 1; repeated ControlIWant iwant = 2; repeated ControlGraft graft = 3;
 *                          repeated ControlPrune prune = 4; repeated ControlIDontWant idontwant = 5; }
 * message ControlIHave { optional string topicID = 1; repeated bytes messageIDs = 2; }
 * message ControlIWant { repeated bytes messageIDs = 1; }
 * message ControlGraft { optional string topicID = 1; }
 * message ControlPrune { optional string topicID = 1; repeated PeerInfo peers = 2; optional uint64 backoff = 3; }
 * message PeerInfo { optional bytes peerID = 1; optional bytes signedPeerRecord = 2; }
 * message ControlIDontWant { repeated bytes messageIDs = 1; }
 * </pre>
 *
 * <p>Decoding bounds each field (topic names, ids, peer records, payloads); the RPC's own size is
 * bounded when it is read, and the router bounds what the counts may cost.
 *
 * @param subscriptions subscription changes
 * @param publish       messages
 * @param control       control messages, if any
 */
record Rpc(List<SubOpts> subscriptions, List<Message> publish, Optional<Control> control) {
    /** The largest signed peer record accepted in PX (go's identify accepts 8 KiB messages). */
    static final int MAX_PEER_RECORD_BYTES = 8 * 1024;

    Rpc {
        subscriptions = List.copyOf(subscriptions);
        publish = List.copyOf(publish);
    }

    static Rpc ofControl(Control c) {
        return new Rpc(List.of(), List.of(), Optional.of(c));
    }

    static Rpc ofMessages(List<Message> messages) {
        return new Rpc(List.of(), messages, Optional.empty());
    }

    boolean isEmpty() {
        return subscriptions.isEmpty() && publish.isEmpty() && control.map(Control::isEmpty).orElse(true);
    }

    /**
     * A subscription change.
     *
     * @param subscribe true to subscribe, false to unsubscribe
     * @param topic     the topic
     */
    record SubOpts(boolean subscribe, String topic) {}

    /**
     * IHAVE: message ids the sender has seen recently in a topic.
     *
     * @param topic the topic
     * @param ids   the ids
     */
    record IHave(String topic, List<MessageId> ids) {}

    /**
     * IWANT: message ids the sender asks for after an IHAVE.
     *
     * @param ids the ids
     */
    record IWant(List<MessageId> ids) {}

    /**
     * GRAFT: the sender adds us to its mesh of the topic.
     *
     * @param topic the topic
     */
    record Graft(String topic) {}

    /**
     * PRUNE: the sender removed us from its mesh of the topic; with peers to try instead (v1.1 peer
     * exchange) and a backoff in seconds during which we must not graft again.
     *
     * @param topic          the topic
     * @param peers          peers for peer exchange
     * @param backoffSeconds the backoff, if given
     */
    record Prune(String topic, List<PeerInfo> peers, Optional<Long> backoffSeconds) {}

    /**
     * A peer in a PRUNE's peer exchange.
     *
     * @param peerId           the peer id bytes
     * @param signedPeerRecord its signed peer record (RFC 0003 in an RFC 0002 envelope), or null
     */
    record PeerInfo(byte[] peerId, byte[] signedPeerRecord) {}

    /**
     * IDONTWANT (v1.2): ids of messages the sender already has, so we need not send them.
     *
     * @param ids the ids
     */
    record IDontWant(List<MessageId> ids) {}

    /**
     * The control messages of one RPC.
     *
     * @param ihave     IHAVEs
     * @param iwant     IWANTs
     * @param graft     GRAFTs
     * @param prune     PRUNEs
     * @param idontwant IDONTWANTs
     */
    record Control(List<IHave> ihave, List<IWant> iwant, List<Graft> graft, List<Prune> prune, List<IDontWant> idontwant) {
        Control {
            ihave = List.copyOf(ihave);
            iwant = List.copyOf(iwant);
            graft = List.copyOf(graft);
            prune = List.copyOf(prune);
            idontwant = List.copyOf(idontwant);
        }

        static final Control EMPTY = new Control(List.of(), List.of(), List.of(), List.of(), List.of());

        boolean isEmpty() {
            return ihave.isEmpty() && iwant.isEmpty() && graft.isEmpty() && prune.isEmpty() && idontwant.isEmpty();
        }

        Control plus(Control o) {
            return new Control(concat(ihave, o.ihave), concat(iwant, o.iwant), concat(graft, o.graft), concat(prune, o.prune),
                    concat(idontwant, o.idontwant));
        }

        private static <T> List<T> concat(List<T> a, List<T> b) {
            if (b.isEmpty()) {
                return a;
            }
            List<T> out = new ArrayList<>(a);
            out.addAll(b);
            return out;
        }
    }

    byte[] encode() {
        ProtobufWriter w = new ProtobufWriter();
        for (SubOpts s : subscriptions) {
            w.writeMessage(1, new ProtobufWriter().writeBool(1, s.subscribe()).writeString(2, s.topic()));
        }
        for (Message m : publish) {
            w.writeMessage(2, m.writer(true));
        }
        if (control.isPresent() && !control.get().isEmpty()) {
            w.writeMessage(3, encode(control.get()));
        }
        return w.toByteArray();
    }

    private static ProtobufWriter encode(Control c) {
        ProtobufWriter w = new ProtobufWriter();
        for (IHave h : c.ihave()) {
            ProtobufWriter m = new ProtobufWriter().writeString(1, h.topic());
            h.ids().forEach(id -> m.writeBytes(2, id.raw()));
            w.writeMessage(1, m);
        }
        for (IWant i : c.iwant()) {
            ProtobufWriter m = new ProtobufWriter();
            i.ids().forEach(id -> m.writeBytes(1, id.raw()));
            w.writeMessage(2, m);
        }
        for (Graft g : c.graft()) {
            w.writeMessage(3, new ProtobufWriter().writeString(1, g.topic()));
        }
        for (Prune p : c.prune()) {
            ProtobufWriter m = new ProtobufWriter().writeString(1, p.topic());
            for (PeerInfo info : p.peers()) {
                ProtobufWriter pi = new ProtobufWriter();
                if (info.peerId() != null) {
                    pi.writeBytes(1, info.peerId());
                }
                if (info.signedPeerRecord() != null) {
                    pi.writeBytes(2, info.signedPeerRecord());
                }
                m.writeMessage(2, pi);
            }
            p.backoffSeconds().ifPresent(b -> m.writeVarint(3, b));
            w.writeMessage(4, m);
        }
        for (IDontWant d : c.idontwant()) {
            ProtobufWriter m = new ProtobufWriter();
            d.ids().forEach(id -> m.writeBytes(1, id.raw()));
            w.writeMessage(5, m);
        }
        return w;
    }

    /**
     * Decodes an RPC.
     *
     * @param bytes        the protobuf
     * @param maxDataBytes the largest message payload accepted
     * @return the RPC
     * @throws MalformedMessageException if the protobuf is malformed or a field is over its bound
     */
    static Rpc decode(byte[] bytes, int maxDataBytes) throws MalformedMessageException {
        ProtobufReader r = new ProtobufReader(bytes);
        List<SubOpts> subs = new ArrayList<>();
        List<Message> publish = new ArrayList<>();
        Control control = null;
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> subs.add(decodeSubOpts(r.readBytes(bytes.length)));
                case 2 -> publish.add(Message.decode(r.readBytes(bytes.length), maxDataBytes));
                case 3 -> {
                    Control c = decodeControl(r.readBytes(bytes.length));
                    control = control == null ? c : control.plus(c); // repeated embedded messages merge
                }
                default -> r.skip();
            }
        }
        return new Rpc(subs, publish, Optional.ofNullable(control));
    }

    private static SubOpts decodeSubOpts(byte[] bytes) throws MalformedMessageException {
        ProtobufReader r = new ProtobufReader(bytes);
        boolean subscribe = false;
        String topic = null;
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> subscribe = r.readBool();
                case 2 -> topic = r.readString(Message.MAX_TOPIC_BYTES);
                default -> r.skip();
            }
        }
        if (topic == null) {
            throw new MalformedMessageException("subscription without a topic");
        }
        return new SubOpts(subscribe, topic);
    }

    private static Control decodeControl(byte[] bytes) throws MalformedMessageException {
        ProtobufReader r = new ProtobufReader(bytes);
        List<IHave> ihave = new ArrayList<>();
        List<IWant> iwant = new ArrayList<>();
        List<Graft> graft = new ArrayList<>();
        List<Prune> prune = new ArrayList<>();
        List<IDontWant> idontwant = new ArrayList<>();
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> {
                    ProtobufReader m = new ProtobufReader(r.readBytes(bytes.length));
                    String topic = "";
                    List<MessageId> ids = new ArrayList<>();
                    while (m.next()) {
                        switch (m.fieldNumber()) {
                            case 1 -> topic = m.readString(Message.MAX_TOPIC_BYTES);
                            case 2 -> ids.add(MessageId.wrap(m.readBytes(MessageId.MAX_BYTES)));
                            default -> m.skip();
                        }
                    }
                    ihave.add(new IHave(topic, ids));
                }
                case 2 -> iwant.add(new IWant(ids(r.readBytes(bytes.length))));
                case 3 -> {
                    ProtobufReader m = new ProtobufReader(r.readBytes(bytes.length));
                    String topic = "";
                    while (m.next()) {
                        if (m.fieldNumber() == 1) {
                            topic = m.readString(Message.MAX_TOPIC_BYTES);
                        } else {
                            m.skip();
                        }
                    }
                    graft.add(new Graft(topic));
                }
                case 4 -> prune.add(decodePrune(r.readBytes(bytes.length)));
                case 5 -> idontwant.add(new IDontWant(ids(r.readBytes(bytes.length))));
                default -> r.skip();
            }
        }
        return new Control(ihave, iwant, graft, prune, idontwant);
    }

    private static List<MessageId> ids(byte[] bytes) throws MalformedMessageException {
        ProtobufReader m = new ProtobufReader(bytes);
        List<MessageId> ids = new ArrayList<>();
        while (m.next()) {
            if (m.fieldNumber() == 1) {
                ids.add(MessageId.wrap(m.readBytes(MessageId.MAX_BYTES)));
            } else {
                m.skip();
            }
        }
        return ids;
    }

    private static Prune decodePrune(byte[] bytes) throws MalformedMessageException {
        ProtobufReader m = new ProtobufReader(bytes);
        String topic = "";
        List<PeerInfo> peers = new ArrayList<>();
        Long backoff = null;
        while (m.next()) {
            switch (m.fieldNumber()) {
                case 1 -> topic = m.readString(Message.MAX_TOPIC_BYTES);
                case 2 -> {
                    ProtobufReader p = new ProtobufReader(m.readBytes(bytes.length));
                    byte[] id = null;
                    byte[] record = null;
                    while (p.next()) {
                        switch (p.fieldNumber()) {
                            case 1 -> id = p.readBytes(Message.MAX_FROM_BYTES);
                            case 2 -> record = p.readBytes(MAX_PEER_RECORD_BYTES);
                            default -> p.skip();
                        }
                    }
                    peers.add(new PeerInfo(id, record));
                }
                case 3 -> backoff = m.readVarint();
                default -> m.skip();
            }
        }
        return new Prune(topic, peers, Optional.ofNullable(backoff));
    }
}
