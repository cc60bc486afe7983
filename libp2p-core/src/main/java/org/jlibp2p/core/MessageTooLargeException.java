package org.jlibp2p.core;

/**
 * A length announced by the remote is larger than the limit the reader was given: a malformed
 * message of a particular kind. Thrown before the reader allocates anything for the message.
 */
public class MessageTooLargeException extends MalformedMessageException {
    private static final long serialVersionUID = 1L;

    /** The length the remote announced. */
    private final long length;
    /** The largest length the reader accepts. */
    private final long limit;

    /**
     * Creates the exception.
     *
     * @param what   the kind of message, for the error text ("multistream message", "protobuf field 2")
     * @param length the length the remote announced
     * @param limit  the largest length the reader accepts
     */
    public MessageTooLargeException(String what, long length, long limit) {
        super(what + " of " + Long.toUnsignedString(length) + " bytes exceeds the limit of " + limit + " bytes");
        this.length = length;
        this.limit = limit;
    }

    /** {@return the length the remote announced} */
    public long length() {
        return length;
    }

    /** {@return the largest length the reader accepts} */
    public long limit() {
        return limit;
    }
}
