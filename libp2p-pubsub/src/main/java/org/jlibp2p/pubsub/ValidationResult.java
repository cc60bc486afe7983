package org.jlibp2p.pubsub;

/** What a {@link Validator} decides (gossipsub-v1.1.md, "Extended Validators"). */
public enum ValidationResult {
    /** Deliver the message and forward it. */
    ACCEPT,
    /** Drop the message and count it against the peer that sent it (P4). */
    REJECT,
    /** Drop the message without penalty: it is not wrong, just not wanted (too old, already known...). */
    IGNORE
}
