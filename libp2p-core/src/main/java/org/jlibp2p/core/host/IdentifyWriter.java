package org.jlibp2p.core.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.Reach;
import org.jlibp2p.core.codec.LengthPrefixed;

/**
 * Writes our own identify message (identify/README.md) in the sizes the other implementations read.
 *
 * <p>The spec names no size; the implementations do:
 * <ul>
 *   <li>rust-libp2p reads one message of at most 4 KiB ({@code MAX_MESSAGE_SIZE_BYTES},
 *       protocols/identify/src/protocol.rs);</li>
 *   <li>go-libp2p and js-libp2p (@libp2p/identify 4 and later; earlier versions read one) read up
 *       to ten messages of at most 8 KiB each and merge them, as protobuf merges concatenated
 *       messages;</li>
 *   <li>go-libp2p sends at most 4 KiB "to be compatible with rust-libp2p"
 *       ({@code maxOwnIdentifyMsgSize}), and when the whole message would be over 2 KiB, the size
 *       older go versions read ({@code legacyIDSize}), it sends the signed peer record as a second
 *       message of its own ({@code writeChunkedIdentifyMsg}, p2p/protocol/identify/id.go).</li>
 * </ul>
 *
 * We send as go does. A message of at most {@value #LEGACY_SIZE} bytes goes out whole. A larger one
 * goes out as two: first everything but the signed peer record, with as many listen addresses as fit
 * in {@value #MAX_OWN_MESSAGE_LENGTH} bytes; then the record alone. A reader that takes one message
 * still learns our key, protocols and the addresses that fit. The addresses kept are the ones most
 * likely to be dialable from afar, ranked by reach as go ranks them: public ones first, then private
 * ones, loopback last, each group in the order we advertise them ({@link #trim}). go also ranks by
 * transport within a group (QUIC before TCP before WebSocket), and counts the documentation ranges
 * as not public; both are left out here, where the addresses are TCP and circuits over TCP.
 *
 * <p>Only addresses are left out. Protocols are what a peer needs to talk to us, so they all go, as
 * in go; a host whose protocol names alone pass 4 KiB (about 150 of them) is not read by rust-libp2p.
 */
final class IdentifyWriter {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.host");
    /** Up to this size the message goes out whole, with the signed record (go's {@code legacyIDSize}). */
    static final int LEGACY_SIZE = 2 * 1024;
    /** The most we put in one message: what rust-libp2p reads (go's {@code maxOwnIdentifyMsgSize}). */
    static final int MAX_OWN_MESSAGE_LENGTH = 4 * 1024;
    /**
     * About the most our signed peer record's addresses take, encoded (counted as identify's fields;
     * the record nests each address in a message of its own, 2 bytes more each, 128 bytes at 64
     * addresses). The rest of the record's message (our
     * key, the signature, the peer id: under 1.2 KiB for a 4096-bit RSA key) then keeps it within the
     * {@value IdentifyInfo#MAX_MESSAGE_LENGTH} bytes that go, js and we read; go bounds its record the
     * same way ({@code maxPeerRecordSize}).
     */
    static final int MAX_RECORD_ADDRESS_BYTES = 6 * 1024;

    private IdentifyWriter() {}

    /**
     * Writes our identify message, in one or two length-prefixed parts as described above.
     *
     * @param out  the identify or identify push stream
     * @param ours what we say about ourselves
     * @throws IOException if the stream fails
     */
    static void write(OutputStream out, IdentifyInfo ours) throws IOException {
        ByteArrayOutputStream both = new ByteArrayOutputStream(); // one write: one muxer frame
        for (byte[] message : messages(ours)) {
            LengthPrefixed.write(both, message);
        }
        out.write(both.toByteArray());
    }

    /** {@return the encoded messages that say {@code ours}, in order} */
    static List<byte[]> messages(IdentifyInfo ours) {
        byte[] whole = ours.encode();
        boolean hasRecord = ours.signedPeerRecord().isPresent();
        if (whole.length <= LEGACY_SIZE || (!hasRecord && whole.length <= MAX_OWN_MESSAGE_LENGTH)) {
            return List.of(whole);
        }
        IdentifyInfo base = withAddrs(ours, List.of(), Optional.empty());
        int room = MAX_OWN_MESSAGE_LENGTH - base.encode().length;
        List<Multiaddr> kept = trim(ours.listenAddrs(), room, Integer.MAX_VALUE);
        if (kept.size() < ours.listenAddrs().size()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "identify: " + kept.size() + " of our " + ours.listenAddrs().size()
                    + " listen addresses fit in the " + MAX_OWN_MESSAGE_LENGTH + " bytes of one message; the rest are left out");
        }
        byte[] first = withAddrs(ours, kept, Optional.empty()).encode();
        if (!hasRecord) {
            return List.of(first);
        }
        IdentifyInfo recordOnly = new IdentifyInfo(Optional.empty(), List.of(), null, Optional.empty(),
                Optional.empty(), Optional.empty(), ours.signedPeerRecord());
        return List.of(first, recordOnly.encode());
    }

    private static IdentifyInfo withAddrs(IdentifyInfo i, List<Multiaddr> addrs, Optional<byte[]> record) {
        return new IdentifyInfo(i.publicKey(), addrs, i.protocols(), i.observedAddr(), i.protocolVersion(), i.agentVersion(), record);
    }

    /**
     * The addresses that fit in a number of bytes as repeated protobuf fields (tag, length, bytes each):
     * public ones first (DNS names other than {@code localhost} among them), then private ones and
     * those without an IP (a memory address), loopback last; within a group, in the given order. The
     * addresses kept stay in the given order. They are the most preferred, up to the first that does
     * not fit, as go-libp2p keeps them ({@code trimHostAddrList}).
     *
     * @param addrs    the addresses, in the order advertised
     * @param maxBytes the room they may take
     * @param maxCount the most that may be kept
     * @return the addresses kept, in the order given
     */
    static List<Multiaddr> trim(List<Multiaddr> addrs, int maxBytes, int maxCount) {
        int total = 0;
        for (Multiaddr a : addrs) {
            total += fieldSize(a);
        }
        if (total <= maxBytes && addrs.size() <= maxCount) {
            return addrs;
        }
        List<Integer> byPreference = new ArrayList<>();
        for (int i = 0; i < addrs.size(); i++) {
            byPreference.add(i);
        }
        byPreference.sort(Comparator.comparing((Integer i) -> reach(addrs.get(i))).reversed()); // stable: ties keep their order
        boolean[] keep = new boolean[addrs.size()];
        int used = 0;
        int count = 0;
        for (int i : byPreference) {
            int size = fieldSize(addrs.get(i));
            if (count == maxCount || used + size > maxBytes) {
                break; // as go: no less preferred address takes the place of one that did not fit
            }
            keep[i] = true;
            used += size;
            count++;
        }
        List<Multiaddr> kept = new ArrayList<>();
        for (int i = 0; i < addrs.size(); i++) {
            if (keep[i]) {
                kept.add(addrs.get(i));
            }
        }
        return kept;
    }

    /** The bytes an address takes as a length-delimited protobuf field with a one-byte tag. */
    private static int fieldSize(Multiaddr a) {
        int n = a.bytes().length;
        int varint = 1;
        for (int v = n >>> 7; v != 0; v >>>= 7) {
            varint++;
        }
        return 1 + varint + n;
    }

    /**
     * The reach of an address, as go ranks it: its IP's; a DNS name reaches as a public address unless
     * it is localhost; an address with no IP (a memory address) counts as private.
     */
    static Reach reach(Multiaddr a) {
        for (Multiaddr.Component c : a.components()) {
            switch (c.protocol()) {
                case IP4, IP6 -> {
                    return Reach.ofIp(c.value());
                }
                case DNS, DNS4, DNS6, DNSADDR -> {
                    return "localhost".equalsIgnoreCase(c.valueText()) ? Reach.LOOPBACK : Reach.PUBLIC;
                }
                default -> {
                }
            }
        }
        return Reach.PRIVATE;
    }
}
