package org.jlibp2p.core.crypto;

import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.codec.ProtobufReader;

/**
 * The protobuf message shared by public and private keys (peer-ids/peer-ids.md, "Keys"):
 * {@code { required KeyType Type = 1; required bytes Data = 2; }}. Not a signed envelope: those are
 * {@link org.jlibp2p.core.record.Envelope}.
 */
record KeyProtobuf(KeyType type, byte[] data) {
    static KeyProtobuf decode(byte[] bytes, int maxBytes, String what) throws MalformedMessageException {
        if (bytes.length > maxBytes) {
            throw new MalformedMessageException(what + " key of " + bytes.length + " bytes is over " + maxBytes);
        }
        ProtobufReader r = new ProtobufReader(bytes);
        Long type = null;
        byte[] data = null;
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> {
                    if (type != null) {
                        throw new MalformedMessageException(what + " key: Type appears twice");
                    }
                    type = r.readVarint();
                }
                case 2 -> {
                    if (data != null) {
                        throw new MalformedMessageException(what + " key: Data appears twice");
                    }
                    data = r.readBytes(maxBytes);
                }
                default -> r.skip();
            }
        }
        if (type == null || data == null) {
            throw new MalformedMessageException(what + " key: required field " + (type == null ? "Type" : "Data") + " is missing");
        }
        KeyType keyType = KeyType.forNumber(type);
        if (keyType == null) {
            throw new MalformedMessageException(what + " key: unknown key type " + type);
        }
        return new KeyProtobuf(keyType, data);
    }
}
