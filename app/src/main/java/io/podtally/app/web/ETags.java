package io.podtally.app.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.StringJoiner;

/** Weak entity tags from the inputs an answer is made of, so an unchanged answer is not rebuilt or resent. */
final class ETags {

    private ETags() {
    }

    static String weak(Object... parts) {
        StringJoiner joined = new StringJoiner("\u0000");
        for (Object part : parts) {
            joined.add(String.valueOf(part));
        }
        byte[] digest = sha256().digest(joined.toString().getBytes(StandardCharsets.UTF_8));
        return "W/\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
