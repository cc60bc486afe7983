package org.jlibp2p.kad;

import java.io.IOException;

/** A record that its namespace's {@link Validator} refuses, or whose key has no namespace with a validator. */
public class InvalidRecordException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * An invalid record.
     *
     * @param message what is wrong with it
     */
    public InvalidRecordException(String message) {
        super(message);
    }
}
