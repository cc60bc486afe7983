package org.jlibp2p.core.multistream;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.ReadDeadline;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.MessageTooLargeException;
import org.jlibp2p.core.ProtocolNotSupportedException;
import org.jlibp2p.core.codec.Varint;

/**
 * multistream-select 1.0.0: how two peers agree on the protocol spoken over a fresh connection or
 * stream (libp2p/specs connections/README.md, "multistream-select"; multiformats/multistream-select).
 *
 * <p>Every message is {@code uvarint(length) || UTF-8 text || '\n'}, the length counting the newline:
 * {@code na} is {@code 03 6e 61 0a}. A negotiation reads as a short script:
 *
 * <pre>
 *   dialer                                   listener
 *   /multistream/1.0.0  ──────────────▶      (both sides may send the header at once)
 *                       ◀──────────────  /multistream/1.0.0
 *   /noise              ──────────────▶
 *                       ◀──────────────  na             (not available: try the next one)
 *   /tls/1.0.0          ──────────────▶
 *                       ◀──────────────  /tls/1.0.0     (echo: agreed; the protocol starts now)
 * </pre>
 *
 * The listener also answers {@code ls} with the protocols it supports (optional in the spec).
 *
 * <p>Every method here takes a deadline for the whole negotiation: before each read the remaining
 * time is set as the channel's read timeout, so a silent or dribbling remote fails with
 * {@link SocketTimeoutException} when the deadline passes. The read timeout is cleared when the
 * negotiation ends. Malformed messages fail with {@link MalformedMessageException}, over-long ones
 * with {@link MessageTooLargeException}; the caller then closes the channel.
 */
public final class MultistreamSelect {
    /** The protocol id of multistream-select itself, the first message each side sends. */
    public static final String PROTOCOL_ID = "/multistream/1.0.0";
    /** The listener's answer to a protocol it does not support. */
    public static final String NA = "na";
    /** The dialer's request for the listener's protocol list. */
    public static final String LS = "ls";
    /**
     * The longest message accepted, newline included. js-libp2p and jvm-libp2p use 1024; protocol ids
     * are short paths, so nothing legitimate comes near it.
     */
    public static final int MAX_MESSAGE_LENGTH = 1024;
    /**
     * How many proposals a listener answers before it gives up on a dialer: a bound on the work a
     * remote can make us do on one channel (rust-libp2p caps a listener's protocol list at 1000).
     */
    public static final int MAX_PROPOSALS = 100;

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.multistream");

    private MultistreamSelect() {}

    /** Writes messages in one write and flushes, tracing each line. */
    /** Writes the messages in one write (a null one is skipped), then flushes. */
    private static void send(OutputStream out, String... messages) throws IOException {
        byte[] all = new byte[0];
        for (String m : messages) {
            if (m == null) {
                continue;
            }
            all = concat(all, encode(m));
            if (LOG.isLoggable(System.Logger.Level.TRACE)) {
                LOG.log(System.Logger.Level.TRACE, "multistream -> " + m);
            }
        }
        out.write(all);
        out.flush();
    }

    /**
     * The dialer's side: proposes {@code protocols} one by one, in order, until the listener echoes one.
     * The header and the first proposal leave in one write.
     *
     * @param channel   the fresh channel
     * @param protocols the protocols to propose, most preferred first
     * @param timeout   the deadline for the whole negotiation
     * @return the agreed protocol
     * @throws ProtocolNotSupportedException if the listener answers {@code na} to every proposal
     * @throws SocketTimeoutException        if the deadline passes
     * @throws IOException                   if the channel fails or the listener breaks the protocol
     */
    public static String dialerSelect(Duplex channel, List<String> protocols, Duration timeout) throws IOException {
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("nothing to propose");
        }
        ReadDeadline deadline = new ReadDeadline(channel, timeout, "multistream negotiation");
        try {
            OutputStream out = channel.out();
            send(out, PROTOCOL_ID, protocols.get(0));
            expectHeader(readMessage(channel.in(), deadline));
            for (int i = 0; ; i++) {
                String proposal = protocols.get(i);
                String answer = readMessage(channel.in(), deadline);
                if (answer.equals(proposal)) {
                    return proposal;
                }
                if (!answer.equals(NA)) {
                    throw new MalformedMessageException("multistream: proposed '" + proposal + "', listener answered '" + answer + "'");
                }
                if (i + 1 == protocols.size()) {
                    throw new ProtocolNotSupportedException(protocols);
                }
                send(out, protocols.get(i + 1));
            }
        } finally {
            deadline.clear();
        }
    }

    /**
     * The dialer's side in lazy ("0-RTT") mode, for when the dialer knows the one protocol it wants:
     * the header and the proposal are written at once, and the application may write its first bytes
     * straight after, without waiting for the listener's answer. The answer is read, and checked,
     * on the first read from the returned channel; if the listener said {@code na}, that read throws
     * {@link ProtocolNotSupportedException}. (rust-libp2p's {@code V1Lazy}, js-libp2p's optimistic
     * select.)
     *
     * <p>The caller sets read timeouts on the returned channel as it would on the original; they
     * bound the reading of the answer too. {@link #dialerSelectLazy(Duplex, String, Duration)} bounds
     * it by a deadline of its own.
     *
     * @param channel  the fresh channel
     * @param protocol the protocol to use
     * @return the same channel, whose input first consumes the listener's answer
     * @throws IOException if writing the proposal fails
     */
    public static Duplex dialerSelectLazy(Duplex channel, String protocol) throws IOException {
        send(channel.out(), PROTOCOL_ID, protocol);
        return new LazyChannel(channel, protocol, null, null);
    }

    /**
     * The dialer's side in lazy mode, as {@link #dialerSelectLazy(Duplex, String)}, with a deadline for
     * the answer: whatever first waits for it (a read, or {@link LazyChannel#awaitAnswer()}) waits at
     * most {@code timeout}, and then fails with {@link SocketTimeoutException}; the read timeout the
     * caller set on the channel applies again after the answer. The proposal is buffered, not
     * flushed: it leaves with the caller's first bytes, in one write, when the caller flushes them
     * (or when the answer is awaited).
     *
     * <p>Close with care: a listener that is still negotiating when the dialer's side ends may lose
     * the end (js-libp2p 3.3.11 does; libp2p/specs issue 643 lists the pitfall). Await the answer
     * before half-closing, as go-multistream's lazy client does since its PR #115; a stream that
     * reads its response before it closes has it already.
     *
     * @param channel  the fresh channel
     * @param protocol the protocol to use
     * @param timeout  how long the answer may take once something waits for it
     * @return the channel, whose input first consumes the listener's answer
     * @throws IOException if writing the proposal fails
     */
    public static LazyChannel dialerSelectLazy(Duplex channel, String protocol, Duration timeout) throws IOException {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the answer needs a positive timeout");
        }
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "multistream -> " + PROTOCOL_ID + " (lazy)");
            LOG.log(System.Logger.Level.TRACE, "multistream -> " + protocol + " (lazy)");
        }
        return new LazyChannel(channel, protocol, timeout, concat(encode(PROTOCOL_ID), encode(protocol)));
    }

    /**
     * The listener's side: answers proposals until one is supported, and answers {@code ls}.
     *
     * @param channel   the fresh channel
     * @param supported the protocols this side speaks
     * @param timeout   the deadline for the whole negotiation
     * @return the agreed protocol
     * @throws SocketTimeoutException if the deadline passes
     * @throws IOException            if the channel fails, the dialer breaks the protocol, or it makes
     *                                more than {@link #MAX_PROPOSALS} proposals
     */
    public static String listenerSelect(Duplex channel, Collection<String> supported, Duration timeout) throws IOException {
        return listenerSelect(channel, supported::contains, () -> List.copyOf(supported), timeout);
    }

    /**
     * The listener's side, with support decided by a predicate (for handlers that match protocol
     * families, such as every version of a protocol).
     *
     * @param channel   the fresh channel
     * @param supported true for protocols this side speaks
     * @param listing   what to answer to {@code ls}
     * @param timeout   the deadline for the whole negotiation
     * @return the agreed protocol
     * @throws IOException as {@link #listenerSelect(Duplex, Collection, Duration)}
     */
    public static String listenerSelect(Duplex channel, Predicate<String> supported,
                                        Supplier<List<String>> listing, Duration timeout) throws IOException {
        ReadDeadline deadline = new ReadDeadline(channel, timeout, "multistream negotiation");
        try {
            OutputStream out = channel.out();
            InputStream in = channel.in();
            // The listener need not wait for the dialer's header to send its own, and does not when
            // nothing has arrived yet. When the dialer's header and first proposal are already here
            // (dialers send them in one write), our header leaves with the answer, in one write.
            boolean headerSent = false;
            if (in.available() == 0) {
                send(out, PROTOCOL_ID);
                headerSent = true;
            }
            expectHeader(readMessage(in, deadline));
            if (!headerSent && in.available() == 0) {
                send(out, PROTOCOL_ID);
                headerSent = true;
            }
            for (int i = 0; i < MAX_PROPOSALS; i++) {
                String proposal = readMessage(in, deadline);
                String header = headerSent ? null : PROTOCOL_ID;
                headerSent = true;
                if (proposal.equals(LS)) {
                    if (header != null) {
                        send(out, header); // ls is rare: no need to save this write
                    }
                    out.write(encodeList(listing.get()));
                    out.flush();
                } else if (supported.test(proposal)) {
                    send(out, header, proposal);
                    return proposal;
                } else {
                    send(out, header, NA);
                }
            }
            throw new MalformedMessageException("multistream: dialer made more than " + MAX_PROPOSALS + " proposals");
        } finally {
            deadline.clear();
        }
    }

    /**
     * Asks the listener for the protocols it supports ({@code ls}), then leaves the channel without a
     * protocol (the caller closes it or proposes with a fresh negotiation).
     *
     * @param channel the fresh channel
     * @param timeout the deadline
     * @return the listener's protocols
     * @throws IOException if the channel fails or the answer is malformed
     */
    public static List<String> listProtocols(Duplex channel, Duration timeout) throws IOException {
        ReadDeadline deadline = new ReadDeadline(channel, timeout, "multistream negotiation");
        try {
            send(channel.out(), PROTOCOL_ID, LS);
            expectHeader(readMessage(channel.in(), deadline));
            // The answer is one message whose content is itself a sequence of messages.
            byte[] body = readFrame(channel.in(), deadline, MAX_MESSAGE_LENGTH * 64);
            ByteBuffer in = ByteBuffer.wrap(body, 0, body.length - 1);
            List<String> protocols = new ArrayList<>();
            while (in.hasRemaining()) {
                long length = Varint.read(in);
                if (length < 2 || length > in.remaining() || body[in.position() + (int) length - 1] != '\n') {
                    throw new MalformedMessageException("multistream: malformed ls entry");
                }
                byte[] entry = new byte[(int) length - 1];
                in.get(entry);
                in.get(); // the entry's newline
                protocols.add(text(entry));
            }
            return protocols;
        } finally {
            deadline.clear();
        }
    }

    /**
     * Encodes one message: {@code uvarint(len) || text || '\n'}.
     *
     * @param text the message text, without newline
     * @return the bytes on the wire
     */
    public static byte[] encode(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length + 1 > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("multistream message longer than " + MAX_MESSAGE_LENGTH + " bytes");
        }
        if (text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a protocol id cannot contain a newline");
        }
        byte[] out = new byte[Varint.encodedLength(utf8.length + 1) + utf8.length + 1];
        int n = Varint.write(utf8.length + 1, out, 0);
        System.arraycopy(utf8, 0, out, n, utf8.length);
        out[out.length - 1] = '\n';
        return out;
    }

    /**
     * Reads one message and returns its text without the newline.
     *
     * @param in the stream
     * @return the text
     * @throws MessageTooLargeException  if it is longer than {@link #MAX_MESSAGE_LENGTH}
     * @throws MalformedMessageException if it is empty, lacks its newline, or is not UTF-8
     * @throws IOException               if the stream fails or ends
     */
    public static String readMessage(InputStream in) throws IOException {
        return readMessage(in, null);
    }


    static String readMessage(InputStream in, ReadDeadline deadline) throws IOException {
        byte[] frame = readFrame(in, deadline, MAX_MESSAGE_LENGTH);
        String message = text(Arrays.copyOf(frame, frame.length - 1));
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "multistream <- " + message);
        }
        return message;
    }

    /** Reads {@code uvarint(len) || bytes}, checks the length and the trailing newline, returns the bytes. */
    private static byte[] readFrame(InputStream in, ReadDeadline deadline, int maxLength) throws IOException {
        InputStream guarded = deadline == null ? in : deadline.guard(in);
        long length = Varint.read(guarded);
        if (length > maxLength) {
            throw new MessageTooLargeException("multistream message", length, maxLength);
        }
        if (length == 0) {
            throw new MalformedMessageException("multistream: empty message");
        }
        byte[] frame = guarded.readNBytes((int) length);
        if (frame.length < length) {
            throw new EOFException("multistream: stream ended inside a message");
        }
        if (frame[frame.length - 1] != '\n') {
            throw new MalformedMessageException("multistream: message does not end with a newline");
        }
        return frame;
    }

    private static String text(byte[] utf8) throws MalformedMessageException {
        // Protocol names are ASCII in practice, and ASCII is UTF-8 as it is: no decoder (and its
        // buffers) for them, four messages a stream.
        boolean ascii = true;
        for (byte b : utf8) {
            ascii &= b >= 0;
        }
        if (ascii) {
            return new String(utf8, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException("multistream: message is not valid UTF-8");
        }
    }

    static void expectHeader(String header) throws MalformedMessageException {
        // "If either side receives anything other than the multistream protocol id as the first
        // message, they abort the negotiation process." (connections/README.md)
        if (!header.equals(PROTOCOL_ID)) {
            throw new MalformedMessageException("multistream: expected header " + PROTOCOL_ID + ", got '" + header + "'");
        }
    }

    private static byte[] encodeList(List<String> protocols) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String p : protocols) {
            body.writeBytes(encode(p));
        }
        body.write('\n');
        byte[] inner = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Varint.encode(inner.length));
        out.writeBytes(inner);
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A negotiation's deadline, applied to the channel as a read timeout before each read. */
}
