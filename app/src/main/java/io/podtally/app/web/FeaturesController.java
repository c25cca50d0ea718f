package io.podtally.app.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.podtally.app.config.AdminProperties;
import io.podtally.app.config.ApiProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/features}: what this service offers a client, so a page shows only what works. */
@RestController
@Tag(name = "features")
final class FeaturesController {

    private final AdminProperties admin;
    private final ApiProperties api;

    FeaturesController(AdminProperties admin, ApiProperties api) {
        this.admin = admin;
        this.api = api;
    }

    @GetMapping(path = "/api/v1/features", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Whether the admin endpoints and the event stream are on, and the largest page size")
    ResponseEntity<FeatureList> features() {
        Features data = new Features(admin.enabled(), api.maxEventStreams() > 0, api.maxPageSize());
        return ResponseEntity.ok().cacheControl(CacheControl.noCache())
                .body(new FeatureList(200, Responses.SUCCESS, data));
    }

    /** The answer of {@code GET /api/v1/features}. */
    record FeatureList(int code, String message, Features data) {
    }

    /**
     * What is on.
     *
     * @param admin whether the admin endpoints are on (a token is configured)
     * @param events whether {@code GET /api/v1/events} accepts streams
     * @param maxPageSize the largest {@code page_size} accepted
     */
    record Features(boolean admin, boolean events, @JsonProperty("max_page_size") int maxPageSize) {
    }
}
