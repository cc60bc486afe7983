package org.jlibp2p.examples;

/**
 * Decimal text with a fixed number of places, as {@code %.2f} prints it in the root locale, without
 * {@link java.util.Formatter}: a fresh process's first {@code String.format} of a {@code double}
 * costs it 15-20 ms (the formatter, and the locale's decimal symbols), more than the ping it reports.
 */
final class Fixed {
    private static final long[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    private Fixed() {}

    /**
     * The text of a number, rounded half away from zero to {@code places} decimals, with a {@code .}
     * as the decimal point whatever the locale.
     *
     * @param x      a finite number whose magnitude times {@code 10^places} fits in a long
     * @param places 0 to 6
     * @return such as {@code 12.30} for {@code (12.3, 2)}
     */
    static String of(double x, int places) {
        long scale = POWERS[places];
        long scaled = Math.round(Math.abs(x) * scale);
        StringBuilder sb = new StringBuilder(24);
        if (x < 0 && scaled != 0) {
            sb.append('-');
        }
        sb.append(scaled / scale);
        if (places > 0) {
            String fraction = Long.toString(scaled % scale);
            sb.append('.');
            sb.repeat('0', places - fraction.length());
            sb.append(fraction);
        }
        return sb.toString();
    }
}
