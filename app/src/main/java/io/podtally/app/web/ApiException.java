package io.podtally.app.web;

import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** A request that cannot be answered with data; becomes {@code {"code":…,"message":…}} with its status. */
final class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final HttpHeaders headers;

    private ApiException(HttpStatus status, String message, HttpHeaders headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = HttpHeaders.readOnlyHttpHeaders(headers);
    }

    static ApiException of(HttpStatus status, String message) {
        return new ApiException(status, message, new HttpHeaders());
    }

    static ApiException badRequest(String message) {
        return of(HttpStatus.BAD_REQUEST, message);
    }

    static ApiException notFound(String message) {
        return of(HttpStatus.NOT_FOUND, message);
    }

    static ApiException unavailable(String message, Duration retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, message, headers);
    }

    static ApiException unauthorized(String message) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"podtally\"");
        return new ApiException(HttpStatus.UNAUTHORIZED, message, headers);
    }

    HttpStatus status() {
        return status;
    }

    HttpHeaders headers() {
        return headers;
    }
}
