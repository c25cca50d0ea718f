package io.podtally.app.web;

import io.podtally.cache.StoreKeyException;
import io.podtally.cache.StoreUnavailableException;
import io.podtally.k8s.InvalidClusterNameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every failure of an API request into {@code {"code":…,"message":…}}: podtally's own errors and Spring MVC's
 * (missing or mistyped parameters, unsupported method or media type, unknown path).
 */
@RestControllerAdvice
final class ApiErrorHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ErrorBody> api(ApiException e) {
        return ResponseEntity.status(e.status())
                .headers(e.headers())
                .contentType(MediaType.APPLICATION_JSON)
                .body(new ErrorBody(e.status().value(), e.getMessage()));
    }

    @ExceptionHandler(StoreUnavailableException.class)
    ResponseEntity<ErrorBody> storeUnavailable(StoreUnavailableException e) {
        log.warn("pod-count store unavailable: {}", e.getMessage());
        return error(HttpStatus.SERVICE_UNAVAILABLE, "the pod-count store cannot be reached; try again later");
    }

    @ExceptionHandler(StoreKeyException.class)
    ResponseEntity<ErrorBody> storeKeyRefused(StoreKeyException e) {
        log.warn("pod-count store refused a key ({}): {}", e.kind().label(), e.getMessage());
        return error(HttpStatus.SERVICE_UNAVAILABLE, "the pod-count store refused this cluster's key ("
                + e.kind().label() + "); see the log");
    }

    @ExceptionHandler(InvalidClusterNameException.class)
    ResponseEntity<ErrorBody> invalidClusterName(InvalidClusterNameException e) {
        return error(HttpStatus.BAD_REQUEST, "cluster_name: " + e.getMessage());
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        HttpStatus status = HttpStatus.resolve(statusCode.value());
        String reason = status != null ? status.getReasonPhrase() : "error";
        String message = statusCode.is5xxServerError() ? reason : messageOf(ex, reason);
        if (statusCode.is5xxServerError()) {
            log.error("request failed: {}", request.getDescription(false), ex);
        }
        HttpHeaders out = new HttpHeaders();
        out.addAll(headers);
        out.setContentType(MediaType.APPLICATION_JSON);
        return ResponseEntity.status(statusCode).headers(out).body(new ErrorBody(statusCode.value(), message));
    }

    private static String messageOf(Exception ex, String fallback) {
        if (ex instanceof MissingServletRequestParameterException missing) {
            return missing.getParameterName() + " is required";
        }
        if (ex instanceof MethodArgumentTypeMismatchException mismatch) {
            return mismatch.getName() + " is malformed";
        }
        if (ex instanceof NoResourceFoundException) {
            return "no such resource";
        }
        if (ex instanceof HttpRequestMethodNotSupportedException method) {
            return "method " + method.getMethod() + " is not supported here";
        }
        return fallback;
    }

    static ResponseEntity<ErrorBody> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(new ErrorBody(status.value(), message));
    }
}
