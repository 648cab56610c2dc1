package com.secondheart.support.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** An RFC 7807 problem document. {@code errors} lists field problems of a refused request body. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null, null);
    }
}
