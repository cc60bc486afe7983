package org.jlibp2p.kad;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Finds a record key's namespace and its validator: a key is {@code /<namespace>/<rest>} with a
 * non-empty rest (go-libp2p-record {@code SplitKey}; js-libp2p refuses other keys by resetting the
 * stream).
 */
final class Validators {
    private final Map<String, Validator> byNamespace;

    Validators(Map<String, Validator> byNamespace) {
        this.byNamespace = Map.copyOf(byNamespace);
    }

    /** {@return the namespace of a key} @throws InvalidRecordException if the key has none */
    static String namespace(byte[] key) throws InvalidRecordException {
        if (key.length < 3 || key[0] != '/') {
            throw new InvalidRecordException("a record key starts with /<namespace>/");
        }
        for (int i = 1; i < key.length; i++) {
            if (key[i] == '/') {
                if (i == 1 || i == key.length - 1) {
                    break;
                }
                return new String(key, 1, i - 1, StandardCharsets.UTF_8);
            }
        }
        throw new InvalidRecordException("a record key is /<namespace>/<rest>");
    }

    Validator of(byte[] key) throws InvalidRecordException {
        String ns = namespace(key);
        Validator v = byNamespace.get(ns);
        if (v == null) {
            throw new InvalidRecordException("no validator for the namespace /" + ns + "/");
        }
        return v;
    }

    void validate(byte[] key, byte[] value) throws InvalidRecordException {
        of(key).validate(key, value);
    }

    int select(byte[] key, List<byte[]> values) throws InvalidRecordException {
        int i = of(key).select(key, values);
        if (i < 0 || i >= values.size()) {
            throw new InvalidRecordException("the validator of /" + namespace(key) + "/ selected no value");
        }
        return i;
    }
}
