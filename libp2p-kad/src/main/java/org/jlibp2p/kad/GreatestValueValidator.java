package org.jlibp2p.kad;

import java.util.Arrays;
import java.util.List;

/**
 * A namespace for applications that accepts any value up to a size, and of two values selects the
 * bytewise greater (unsigned, lexicographic): a value that grows, such as a counter or a timestamp
 * prefix, replaces the older one everywhere. The {@code jlibp2p} tool's {@code /jlibp2p/} namespace
 * uses it with values up to 64 KiB.
 */
public final class GreatestValueValidator implements Validator {
    /** The namespace the tool uses, without slashes. */
    public static final String JLIBP2P_NAMESPACE = "jlibp2p";
    /** The size limit of the tool's namespace. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 64 * 1024;

    private final int maxValueBytes;

    /** Values up to {@value #DEFAULT_MAX_VALUE_BYTES} bytes. */
    public GreatestValueValidator() {
        this(DEFAULT_MAX_VALUE_BYTES);
    }

    /**
     * Values up to a size.
     *
     * @param maxValueBytes the largest value accepted
     */
    public GreatestValueValidator(int maxValueBytes) {
        if (maxValueBytes < 0) {
            throw new IllegalArgumentException("maxValueBytes must not be negative");
        }
        this.maxValueBytes = maxValueBytes;
    }

    @Override
    public void validate(byte[] key, byte[] value) throws InvalidRecordException {
        if (value.length > maxValueBytes) {
            throw new InvalidRecordException("a value of " + value.length + " bytes is over the namespace's " + maxValueBytes);
        }
    }

    @Override
    public int select(byte[] key, List<byte[]> values) {
        int best = 0;
        for (int i = 1; i < values.size(); i++) {
            if (Arrays.compareUnsigned(values.get(i), values.get(best)) > 0) {
                best = i;
            }
        }
        return best;
    }
}
