package com.secondheart.support.problem;

/**
 * A refusal that the caller can act on. Services throw it; {@link ProblemMappers} turns it into
 * problem+json. The detail is shown to the caller, so it must be a sentence a person understands.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final String type;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, "about:blank");
    }

    public ProblemException(int status, String title, String detail, String type) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.type = type;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad request", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not found", detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail);
    }

    public static ProblemException unprocessable(String detail) {
        return new ProblemException(422, "Unprocessable request", detail);
    }

    public static ProblemException unavailable(String detail) {
        return new ProblemException(503, "Service unavailable", detail);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String type() {
        return type;
    }

    public Problem toProblem() {
        return new Problem(type, title, status, getMessage(), null, null);
    }
}
