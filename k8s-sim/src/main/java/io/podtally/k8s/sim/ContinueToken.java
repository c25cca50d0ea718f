package io.podtally.k8s.sim;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An opaque continue token: base64 of a small JSON document with the list's resource version,
 * the key of the last item served and the number of the next page.
 *
 * @param resourceVersion the resource version the list started at
 * @param lastKey {@code namespace/name} (or {@code name}) of the last item served
 * @param nextPage the number of the page the token asks for (the first page is 1)
 * @param served items served before the page the token asks for
 */
record ContinueToken(long resourceVersion, String lastKey, int nextPage, long served) {

    private static final Pattern FORMAT =
            Pattern.compile("\\{\"v\":\"meta.k8s.io/v1\",\"rv\":(\\d+),\"start\":\"([^\"]*)\",\"page\":(\\d+),"
                    + "\"served\":(\\d+)}");

    String encode() {
        String json = "{\"v\":\"meta.k8s.io/v1\",\"rv\":" + resourceVersion + ",\"start\":\"" + lastKey + "\",\"page\":"
                + nextPage + ",\"served\":" + served + "}";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes a token.
     *
     * @throws IllegalArgumentException when the token is not one this server issued
     */
    static ContinueToken decode(String token) {
        String json;
        try {
            json = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("continue key is not valid: illegal base64 data", e);
        }
        Matcher m = FORMAT.matcher(json);
        if (!m.matches()) {
            throw new IllegalArgumentException("continue key is not valid: incorrect encoded start resourceVersion");
        }
        return new ContinueToken(Long.parseLong(m.group(1)), m.group(2), Integer.parseInt(m.group(3)),
                Long.parseLong(m.group(4)));
    }
}
