package io.podtally.app.wiring;

import java.time.Duration;

/** The checks the configuration records run when they are bound; their messages name the property. */
public final class PropertyChecks {

    private PropertyChecks() {
    }

    /** @throws IllegalArgumentException naming {@code property} unless {@code value} is a positive duration */
    public static void requirePositive(String property, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(property + " must be a positive duration, was " + value);
        }
    }

    /** @throws IllegalArgumentException naming {@code property} unless {@code min <= value <= max} */
    public static void requireRange(String property, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    property + " must be between " + min + " and " + max + ", was " + value);
        }
    }
}
