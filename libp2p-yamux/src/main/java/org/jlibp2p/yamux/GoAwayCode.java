package org.jlibp2p.yamux;

/** The error codes of a Go Away frame (yamux/README.md, "Session termination"). */
public enum GoAwayCode {
    /** 0x0: normal termination. */
    NORMAL(0),
    /** 0x1: the remote broke the protocol. */
    PROTOCOL_ERROR(1),
    /** 0x2: something failed inside the sender. */
    INTERNAL_ERROR(2);

    private final int code;

    GoAwayCode(int code) {
        this.code = code;
    }

    /** {@return the number carried in the frame's length field} */
    public int code() {
        return code;
    }

    /**
     * The code with a number.
     *
     * @param code the number
     * @return the code, or {@link #INTERNAL_ERROR} for numbers the spec does not define
     */
    public static GoAwayCode of(long code) {
        for (GoAwayCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return INTERNAL_ERROR;
    }
}
