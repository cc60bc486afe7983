package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class FixedTest {
    @Test
    void printsWhatPercentFPrintsAwayFromDecimalTies() {
        double[] samples = {0, 0.004, 0.006, 0.5, 1, 1.25, 2.5, 10.6, 12.3456, 99.999, 1234.5678, 86_400_000.125};
        for (double x : samples) {
            for (int places = 0; places <= 3; places++) {
                assertThat(Fixed.of(x, places)).as("%s to %d places", x, places)
                        .isEqualTo(String.format(Locale.ROOT, "%." + places + "f", x));
            }
        }
    }

    @Test
    void padsTheFractionWithLeadingZeros() {
        assertThat(Fixed.of(3.05, 2)).isEqualTo("3.05");
        assertThat(Fixed.of(3.001, 3)).isEqualTo("3.001");
        assertThat(Fixed.of(7, 2)).isEqualTo("7.00");
    }

    @Test
    void roundsTheBinaryValueAtADecimalTie() {
        assertThat(Fixed.of(1.005, 2)).as("1.005 is 1.00499... as a double").isEqualTo("1.00");
        assertThat(Fixed.of(0.125, 2)).as("a tie the double holds exactly").isEqualTo("0.13");
    }

    @Test
    void refusesWhatItCannotPrint() {
        assertThatThrownBy(() -> Fixed.of(1, 7)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fixed.of(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fixed.of(Double.NaN, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signsNegativeNumbersButNotANegativeZero() {
        assertThat(Fixed.of(-2.5, 1)).isEqualTo("-2.5");
        assertThat(Fixed.of(-0.001, 2)).isEqualTo("0.00");
    }

    @Test
    void usesAPointWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(Fixed.of(1.5, 2)).isEqualTo("1.50");
        } finally {
            Locale.setDefault(before);
        }
    }
}
