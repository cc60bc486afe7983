package org.jlibp2p.relay;

import org.jlibp2p.core.MalformedMessageException;

/** Decoding helpers shared by the relay messages. */
final class Messages {
    private Messages() {}

    /** An enum value by its protobuf number, which for these enums is the ordinal. */
    static <E extends Enum<E>> E enumValue(E[] values, long number, String what) throws MalformedMessageException {
        if (number < 0 || number >= values.length) {
            throw new MalformedMessageException(what + " " + Long.toUnsignedString(number) + " is unknown");
        }
        return values[(int) number];
    }

    static Status status(long code) throws MalformedMessageException {
        return Status.fromCode(code).orElseThrow(() -> new MalformedMessageException("status code " + Long.toUnsignedString(code) + " is unknown"));
    }
}
