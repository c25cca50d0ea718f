package io.podtally.app.config;

import java.time.Duration;

/** Checks shared by the configuration records; their messages name the property. */
final class Settings {

    private Settings() {
    }

    static void requirePositive(String property, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(property + " must be a positive duration, was " + value);
        }
    }

    static void requireRange(String property, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    property + " must be between " + min + " and " + max + ", was " + value);
        }
    }
}
