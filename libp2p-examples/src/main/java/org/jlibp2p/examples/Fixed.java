package org.jlibp2p.examples;

/**
 * Decimal text with a fixed number of places, without {@link java.util.Formatter}: a fresh process's
 * first {@code String.format("%.2f", ...)} costs it 21-23 ms (the formatter, and the locale's decimal
 * symbols), more than the ping it reports.
 */
final class Fixed {
    private static final long[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    private Fixed() {}

    /**
     * The text of a number with {@code places} decimals and a {@code .} as the decimal point, whatever
     * the locale. It rounds the number times {@code 10^places} half away from zero, so it prints what
     * {@code %.Nf} prints in the root locale except at a decimal tie the double cannot hold exactly
     * ({@code 1.005} is 1.00499..., printed {@code 1.00} here and {@code 1.01} by the formatter), and
     * a number that rounds to zero has no sign.
     *
     * @param x      a finite number whose magnitude times {@code 10^places} fits in a long
     * @param places 0 to 6
     * @return such as {@code 12.30} for {@code (12.3, 2)}
     * @throws IllegalArgumentException for places outside 0 to 6, or a number that is not finite
     */
    static String of(double x, int places) {
        if (places < 0 || places >= POWERS.length || !Double.isFinite(x)) {
            throw new IllegalArgumentException("Fixed.of(" + x + ", " + places + "): places 0 to 6 and a finite number");
        }
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
