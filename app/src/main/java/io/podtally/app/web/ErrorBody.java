package io.podtally.app.web;

/**
 * The body of every error answer.
 *
 * @param code the HTTP status code
 * @param message what went wrong, for a human
 */
public record ErrorBody(int code, String message) {
}
