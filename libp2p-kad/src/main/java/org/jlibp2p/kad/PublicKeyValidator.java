package org.jlibp2p.kad;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.PublicKey;

/**
 * The {@code /pk/} namespace (kad-dht/README.md, "Entry validation"; go-libp2p-record
 * {@code PublicKeyValidator}): the key is {@code /pk/} followed by a peer id's binary multihash, the
 * value that peer's protobuf public key, valid if it hashes to the peer id. All valid values of a key
 * are the same key, so the first is selected.
 */
public final class PublicKeyValidator implements Validator {
    /** The namespace, without slashes. */
    public static final String NAMESPACE = "pk";
    private static final byte[] PREFIX = "/pk/".getBytes(StandardCharsets.US_ASCII);

    /** The validator. */
    public PublicKeyValidator() {}

    /**
     * {@return the key under which a peer's public key is stored}
     *
     * @param peer the peer
     */
    public static byte[] keyOf(PeerId peer) {
        byte[] id = peer.bytes();
        byte[] key = Arrays.copyOf(PREFIX, PREFIX.length + id.length);
        System.arraycopy(id, 0, key, PREFIX.length, id.length);
        return key;
    }

    @Override
    public void validate(byte[] key, byte[] value) throws InvalidRecordException {
        if (key.length <= PREFIX.length || !Arrays.equals(key, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
            throw new InvalidRecordException("a /pk/ key is /pk/ followed by a peer id");
        }
        try {
            PeerId peer = PeerId.fromBytes(Arrays.copyOfRange(key, PREFIX.length, key.length));
            if (value.length > PublicKey.MAX_MARSHALLED_BYTES || !peer.matches(PublicKey.unmarshal(value))) {
                throw new InvalidRecordException("the public key does not match the peer id " + peer);
            }
        } catch (MalformedMessageException e) {
            throw new InvalidRecordException("a /pk/ record that does not decode: " + e.getMessage());
        }
    }

    @Override
    public int select(byte[] key, List<byte[]> values) {
        return 0;
    }
}
