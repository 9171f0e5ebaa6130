package io.beastmode.proposals;

import java.math.BigDecimal;
import java.math.MathContext;

/** Parameter values as strings: six significant digits, no exponent, so equal numbers give equal strings. */
final class Fmt {

    private Fmt() {
    }

    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    static String num(long v) {
        return Long.toString(v);
    }
}
