package org.jlibp2p.noise;

import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;

/**
 * The payload libp2p puts in Noise handshake messages 2 and 3 (noise/README.md, "The libp2p Handshake
 * Payload"):
 *
 * <pre>
 * message NoiseExtensions {
 *     repeated bytes webtransport_certhashes = 1;
 *     repeated string stream_muxers = 2;
 * }
 * message NoiseHandshakePayload {
 *     optional bytes identity_key = 1;
 *     optional bytes identity_sig = 2;
 *     optional NoiseExtensions extensions = 4;
 * }
 * </pre>
 *
 * @param identityKey  the sender's marshalled libp2p public key
 * @param identitySig  its signature over "noise-libp2p-static-key:" ‖ Noise static key
 * @param certhashes   WebTransport certificate hashes (never used over TCP, but carried through)
 * @param streamMuxers the muxers the sender supports, in its order of preference
 */
record NoiseHandshakePayload(byte[] identityKey, byte[] identitySig, List<byte[]> certhashes, List<String> streamMuxers) {
    /** A generous bound on a payload: a 8192-bit RSA key and its signature, plus a few muxers. */
    static final int MAX_LENGTH = 8192;
    private static final int MAX_ENTRIES = 64;

    NoiseHandshakePayload {
        certhashes = List.copyOf(certhashes);
        streamMuxers = List.copyOf(streamMuxers);
    }

    byte[] encode() {
        ProtobufWriter w = new ProtobufWriter().writeBytes(1, identityKey).writeBytes(2, identitySig);
        if (!certhashes.isEmpty() || !streamMuxers.isEmpty()) {
            ProtobufWriter ext = new ProtobufWriter();
            certhashes.forEach(c -> ext.writeBytes(1, c));
            streamMuxers.forEach(m -> ext.writeString(2, m));
            w.writeMessage(4, ext);
        }
        return w.toByteArray();
    }

    static NoiseHandshakePayload decode(byte[] bytes) throws NoiseHandshakeException {
        try {
            if (bytes.length > MAX_LENGTH) {
                throw new NoiseHandshakeException("noise: handshake payload of " + bytes.length + " bytes is over " + MAX_LENGTH);
            }
            byte[] key = null;
            byte[] sig = null;
            List<byte[]> certhashes = new ArrayList<>();
            List<String> muxers = new ArrayList<>();
            ProtobufReader r = new ProtobufReader(bytes);
            while (r.next()) {
                switch (r.fieldNumber()) {
                    case 1 -> key = r.readBytes(MAX_LENGTH);
                    case 2 -> sig = r.readBytes(MAX_LENGTH);
                    case 4 -> {
                        ProtobufReader ext = new ProtobufReader(r.readBytes(MAX_LENGTH));
                        while (ext.next()) {
                            switch (ext.fieldNumber()) {
                                case 1 -> certhashes.add(ext.readBytes(MAX_LENGTH));
                                case 2 -> muxers.add(ext.readString(1024));
                                default -> ext.skip();
                            }
                            if (certhashes.size() + muxers.size() > MAX_ENTRIES) {
                                throw new NoiseHandshakeException("noise: more than " + MAX_ENTRIES + " extension entries");
                            }
                        }
                    }
                    default -> r.skip(); // includes the retired field 3 that jvm-libp2p still sends
                }
            }
            if (key == null || sig == null) {
                throw new NoiseHandshakeException("noise: handshake payload lacks the identity " + (key == null ? "key" : "signature"));
            }
            return new NoiseHandshakePayload(key, sig, certhashes, muxers);
        } catch (MalformedMessageException e) {
            throw new NoiseHandshakeException("noise: malformed handshake payload: " + e.getMessage());
        }
    }
}
