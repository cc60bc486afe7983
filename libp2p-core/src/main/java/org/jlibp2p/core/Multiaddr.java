package org.jlibp2p.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.codec.Varint;

/**
 * A multiaddr: a self-describing network address, per
 * <a href="https://github.com/multiformats/multiaddr">multiformats/multiaddr</a> (README, "Specification").
 *
 * <p>An address is a list of components, each a protocol and (for most protocols) a value, read from
 * the outermost layer in: {@code /ip4/192.0.2.42/tcp/443/p2p/12D3KooW...} is "TCP port 443 on
 * 192.0.2.42, and the peer there is 12D3KooW...". It has two forms:
 *
 * <pre>
 *   text:    /ip4/192.0.2.42/tcp/443
 *   binary:  04 c000022a  06 01bb
 *            │  │         │  └ port 443, 2 bytes
 *            │  │         └ uvarint code of tcp (6)
 *            │  └ 192.0.2.42, 4 bytes
 *            └ uvarint code of ip4 (4)
 * </pre>
 *
 * Protocols with a variable-size value (dns, p2p, unix...) write {@code uvarint(length)} before it.
 *
 * <p>Immutable; equality is on the binary form. Text parsing reports mistakes as
 * {@link IllegalArgumentException} (text comes from people), binary parsing as
 * {@link MalformedMessageException} (binary comes from the network).
 *
 * @param components the components, outermost first
 */
public record Multiaddr(List<Component> components) {

    /**
     * One protocol of a multiaddr and its value in binary form.
     *
     * @param protocol the protocol
     * @param value    its value in binary form (empty for protocols without a value)
     */
    public record Component(MultiaddrProtocol protocol, byte[] value) {
        /**
         * Checks the value against the protocol.
         *
         * @param protocol the protocol
         * @param value    the binary value
         */
        public Component {
            if (protocol == null) {
                throw new NullPointerException("protocol");
            }
            value = value.clone();
            if (protocol.isVariableSize()) {
                protocol.codec().validate(value);
            } else {
                if (value.length != protocol.fixedSizeBytes()) {
                    throw new IllegalArgumentException("/" + protocol.protocolName() + " takes " + protocol.fixedSizeBytes()
                            + " bytes, not " + value.length);
                }
                protocol.codec().validate(value);
            }
        }

        /**
         * Parses a component's value from text.
         *
         * @param protocol the protocol
         * @param text     the value in text form
         * @return the component
         */
        public static Component of(MultiaddrProtocol protocol, String text) {
            return new Component(protocol, protocol.codec().fromText(text));
        }

        /** {@return a copy of the binary value} */
        @Override
        public byte[] value() {
            return value.clone();
        }

        /** {@return the value in text form (empty for protocols without a value)} */
        public String valueText() {
            return protocol.codec().toText(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Component c && protocol == c.protocol && Arrays.equals(value, c.value);
        }

        @Override
        public int hashCode() {
            return protocol.hashCode() * 31 + Arrays.hashCode(value);
        }

        /** {@return the text form, such as {@code /tcp/443}} */
        @Override
        public String toString() {
            return protocol.hasValue() ? "/" + protocol.protocolName() + "/" + valueText() : "/" + protocol.protocolName();
        }
    }

    /** The longest binary multiaddr accepted, a bound for addresses that arrive from the network. */
    public static final int MAX_BYTES = 1024;

    /**
     * Makes an address of components.
     *
     * @param components the components, outermost first
     */
    public Multiaddr {
        components = List.copyOf(components);
        if (components.isEmpty()) {
            throw new IllegalArgumentException("a multiaddr has at least one component");
        }
    }

    /**
     * Parses the text form.
     *
     * @param text such as {@code /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...}
     * @return the address
     * @throws IllegalArgumentException naming what is wrong and at which component
     */
    public static Multiaddr parse(String text) {
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("invalid multiaddr '" + text + "': must start with '/'");
        }
        String trimmed = text.endsWith("/") && text.length() > 1 ? text.substring(0, text.length() - 1) : text;
        if (trimmed.equals("/")) {
            throw new IllegalArgumentException("invalid multiaddr '" + text + "': a multiaddr has at least one component");
        }
        String[] parts = trimmed.substring(1).split("/", -1);
        List<Component> components = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String name = parts[i];
            if (name.isEmpty()) {
                throw new IllegalArgumentException("invalid multiaddr '" + text + "': empty protocol name at component " + components.size());
            }
            MultiaddrProtocol protocol = MultiaddrProtocol.forName(name);
            if (protocol == null) {
                throw new IllegalArgumentException("invalid multiaddr '" + text + "': unknown protocol '" + name + "'");
            }
            String value = "";
            if (protocol.codec() == MultiaddrTranscoder.PATH) {
                value = "/" + String.join("/", Arrays.asList(parts).subList(i + 1, parts.length));
                i = parts.length;
            } else if (protocol.hasValue()) {
                if (i + 1 >= parts.length) {
                    throw new IllegalArgumentException("invalid multiaddr '" + text + "': /" + name + " is missing its value");
                }
                value = parts[++i];
            }
            try {
                components.add(Component.of(protocol, value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid multiaddr '" + text + "': /" + name + ": " + e.getMessage(), e);
            }
        }
        return new Multiaddr(components);
    }

    /**
     * Decodes the binary form.
     *
     * @param bytes the encoded address
     * @return the address
     * @throws MalformedMessageException naming what is wrong and at which byte
     * @throws MessageTooLargeException  if it is longer than {@link #MAX_BYTES}
     */
    public static Multiaddr fromBytes(byte[] bytes) throws MalformedMessageException {
        if (bytes.length == 0) {
            throw new MalformedMessageException("empty multiaddr");
        }
        if (bytes.length > MAX_BYTES) {
            throw new MessageTooLargeException("multiaddr", bytes.length, MAX_BYTES);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<Component> components = new ArrayList<>();
        while (in.hasRemaining()) {
            int at = in.position();
            long code = Varint.read(in);
            MultiaddrProtocol protocol = MultiaddrProtocol.forCode(code);
            if (protocol == null) {
                throw new MalformedMessageException("multiaddr: unknown protocol code " + code + " at byte " + at);
            }
            long length = protocol.isVariableSize() ? Varint.read(in) : protocol.fixedSizeBytes();
            if (length > in.remaining()) {
                throw new MalformedMessageException("multiaddr: /" + protocol.protocolName() + " value of " + length
                        + " bytes at byte " + in.position() + " runs past the end (" + in.remaining() + " left)");
            }
            byte[] value = new byte[(int) length];
            in.get(value);
            try {
                components.add(new Component(protocol, value));
            } catch (IllegalArgumentException e) {
                throw new MalformedMessageException("multiaddr: /" + protocol.protocolName() + " at byte " + at + ": " + e.getMessage());
            }
        }
        return new Multiaddr(components);
    }

    /** {@return the binary form} */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Component c : components) {
            out.writeBytes(Varint.encode(c.protocol().code()));
            if (c.protocol().isVariableSize()) {
                out.writeBytes(Varint.encode(c.value.length));
            }
            out.writeBytes(c.value);
        }
        return out.toByteArray();
    }

    /**
     * This address with {@code inner} appended: {@code /ip4/1.2.3.4} encapsulate {@code /tcp/80}
     * is {@code /ip4/1.2.3.4/tcp/80}.
     *
     * @param inner the address to append
     * @return the longer address
     */
    public Multiaddr encapsulate(Multiaddr inner) {
        List<Component> all = new ArrayList<>(components);
        all.addAll(inner.components);
        return new Multiaddr(all);
    }

    /**
     * This address with the last occurrence of {@code outer}, and everything after it, removed:
     * {@code /ip4/1.2.3.4/tcp/80/ws} decapsulate {@code /tcp/80} is {@code /ip4/1.2.3.4}.
     *
     * @param outer the components to cut at
     * @return the shorter address, or empty if nothing is left or this address does not contain {@code outer}
     */
    public Optional<Multiaddr> decapsulate(Multiaddr outer) {
        int n = outer.components.size();
        for (int start = components.size() - n; start >= 0; start--) {
            if (components.subList(start, start + n).equals(outer.components)) {
                return start == 0 ? Optional.empty() : Optional.of(new Multiaddr(components.subList(0, start)));
            }
        }
        return Optional.empty();
    }

    /**
     * This address cut before the last component of {@code protocol}: {@code /ip4/1.2.3.4/tcp/80/p2p/Qm...}
     * decapsulate {@code P2P} is {@code /ip4/1.2.3.4/tcp/80}.
     *
     * @param protocol the protocol to cut at
     * @return the shorter address; this address if it has no such component; empty if nothing is left
     */
    public Optional<Multiaddr> decapsulate(MultiaddrProtocol protocol) {
        for (int i = components.size() - 1; i >= 0; i--) {
            if (components.get(i).protocol() == protocol) {
                return i == 0 ? Optional.empty() : Optional.of(new Multiaddr(components.subList(0, i)));
            }
        }
        return Optional.of(this);
    }

    /**
     * The text value of the first component of {@code protocol}.
     *
     * @param protocol the protocol
     * @return its value, or empty if the address has no such component
     */
    public Optional<String> valueOf(MultiaddrProtocol protocol) {
        return components.stream().filter(c -> c.protocol() == protocol).findFirst().map(Component::valueText);
    }

    /**
     * Whether some component is of {@code protocol}.
     *
     * @param protocol the protocol
     * @return true if present
     */
    public boolean has(MultiaddrProtocol protocol) {
        return components.stream().anyMatch(c -> c.protocol() == protocol);
    }

    /**
     * The multihash bytes of a trailing {@code /p2p/<id>}, the peer that an address names.
     *
     * @return the binary peer id, or empty if the address does not end in /p2p
     */
    public Optional<byte[]> trailingPeerIdBytes() {
        Component last = components.get(components.size() - 1);
        return last.protocol() == MultiaddrProtocol.P2P ? Optional.of(last.value()) : Optional.empty();
    }

    /**
     * The peer named by a trailing {@code /p2p/<id>}.
     *
     * @return the peer id, or empty if the address does not end in /p2p
     */
    public Optional<PeerId> peerId() {
        return trailingPeerIdBytes().map(bytes -> {
            try {
                return PeerId.fromBytes(bytes);
            } catch (MalformedMessageException e) {
                throw new IllegalStateException("/p2p values are validated as multihashes", e);
            }
        });
    }

    /**
     * This address without a trailing {@code /p2p/<id>}: where to connect, leaving who to expect.
     *
     * @return the shorter address, or this one if it does not end in /p2p
     */
    public Multiaddr withoutPeerId() {
        return trailingPeerIdBytes().isPresent() ? new Multiaddr(components.subList(0, components.size() - 1)) : this;
    }

    /**
     * This address with {@code /p2p/<peer>} appended, unless it already ends in one.
     *
     * @param peer the peer
     * @return the full address
     */
    public Multiaddr withPeerId(PeerId peer) {
        if (trailingPeerIdBytes().isPresent()) {
            return this;
        }
        return encapsulate(new Multiaddr(List.of(new Component(MultiaddrProtocol.P2P, peer.bytes()))));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr other && components.equals(other.components);
    }

    @Override
    public int hashCode() {
        return components.hashCode();
    }

    /** {@return the text form} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            sb.append(c);
        }
        return sb.toString();
    }
}
