package org.jlibp2p.kad;

import java.util.List;

/**
 * Checks and orders the records of one namespace (kad-dht/README.md, "Value storage and retrieval":
 * "implementations may choose to validate records ... and to select the best"). A record key is
 * {@code /<namespace>/<rest>}; {@link KadConfig#validators()} maps each namespace to its validator,
 * and a record of a namespace with none is refused, as go-libp2p-kad-dht and js-libp2p do.
 *
 * <p>Applications add their own namespaces with an implementation of this interface; IPNS
 * ({@code /ipns/}) would be one, and has no validator here yet.
 */
public interface Validator {
    /**
     * Checks a record.
     *
     * @param key   the record's key
     * @param value its value
     * @throws InvalidRecordException if the record is not valid
     */
    void validate(byte[] key, byte[] value) throws InvalidRecordException;

    /**
     * Picks the best of several valid values for one key: what a GET returns, and what a store
     * keeps when a PUT brings a second value.
     *
     * @param key    the key
     * @param values two or more valid values
     * @return the index of the best; the first of equals
     */
    int select(byte[] key, List<byte[]> values);
}
