package com.secondheart.support.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Every error leaves a service as problem+json with a sentence a person understands. Nothing here
 * puts a class name, a stack trace or an SQL message in a response.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.toProblem());
    }

    @ServerExceptionMapper
    public Response invalidBody(ConstraintViolationException e) {
        var errors = e.getConstraintViolations().stream()
                .map(violation -> new Problem.FieldError(field(violation.getPropertyPath().toString()), violation.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        var detail = errors.stream().map(error -> error.field() + " " + error.message()).collect(Collectors.joining("; "));
        return respond(new Problem("about:blank", "Invalid request", 400, detail, null, errors));
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        return respond(Problem.of(400, "Invalid request body", describe(e)));
    }

    /** Quarkus REST has its own, more specific mapper for this one, which answers plain JSON; this one wins over it. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return unreadableJson(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        var status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json);
        }
        // Jakarta REST makes a query or path parameter that fails to convert a 404 wrapping the conversion error;
        // a caller who sent page=abc made a bad request, not a request for something missing.
        if (status == 404 && e.getCause() != null) {
            return respond(Problem.of(400, "Bad request", "A query or path parameter has a value of the wrong type."));
        }
        var reason = Response.Status.fromStatusCode(status);
        var title = reason != null ? reason.getReasonPhrase() : "Error";
        var detail = switch (status) {
            case 404 -> "There is nothing at this address.";
            case 405 -> "This address does not accept that method.";
            case 406 -> "This address cannot answer in the requested media type.";
            case 415 -> "Send the request body as application/json.";
            case 400 -> "The request could not be read.";
            default -> status >= 500 ? "The service could not answer; try again shortly." : title + ".";
        };
        if (status >= 500) {
            LOG.errorf(e, "request failed with status %d", status);
        }
        return respond(Problem.of(status, title, detail));
    }

    /**
     * Throwable, not Exception: Vert.x fails some requests with a NoStackTraceThrowable, which is neither.
     *
     * <p>A database refusal of class 22 (data exception: a NUL character in a text, a date or number out of the
     * column's range, a negative offset) comes from a value the caller sent that passed the service's own checks:
     * a 400 that says so, never a 500 (docs/security.md, "Attacks").
     */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        var sqlState = sqlState(e);
        if (sqlState != null && sqlState.startsWith("22")) {
            LOG.infof("request refused by the database as a data exception (SQLSTATE %s): %s", sqlState, clip(String.valueOf(e.getMessage())));
            return respond(Problem.of(400, "Bad request",
                    "A value in the request cannot be stored or searched for: it is out of range, too long, or contains"
                            + " a character that is not allowed (such as a NUL)."));
        }
        if (unreachable(e)) {
            // the database restarting, a connection cut: the request may well succeed in a moment (ChaosIT saw 500s)
            LOG.warnf("request failed because a dependency cannot be reached: %s", clip(String.valueOf(rootMessage(e))));
            return Response.status(503).type(Problem.MEDIA_TYPE).header("Retry-After", "5")
                    .entity(Problem.of(503, "Service unavailable",
                            "The service cannot reach its database or another service right now. Try again in a few"
                                    + " seconds."))
                    .build();
        }
        var reference = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected failure, reference %s", reference);
        return respond(Problem.of(500, "Internal error",
                "The service failed to answer. Quote reference " + reference + " when reporting it."));
    }

    /**
     * The SQLSTATE of the first database error in the cause chain (the reactive PostgreSQL client's
     * {@code PgException#getSqlState}, JDBC's {@code SQLException#getSQLState}); null when there is none. By
     * reflection, so that this library depends on neither client.
     */
    static String sqlState(Throwable e) {
        var seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<Throwable, Boolean>());
        for (var t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
            try {
                var method = t.getClass().getMethod("getSqlState");
                if (method.getReturnType() == String.class) {
                    var state = (String) method.invoke(t);
                    if (state != null) {
                        return state;
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException notADatabaseError) {
                // keep walking the chain
            }
        }
        return null;
    }

    /**
     * Whether the failure is a connection that could not be made or was lost (refused, reset, closed; SQLSTATE class
     * 08, or 57P01-57P03: the server shutting down or starting), anywhere in the cause chain. Class names are matched
     * for the Vert.x and Hibernate Reactive ones so that this library depends on neither.
     */
    static boolean unreachable(Throwable e) {
        var state = sqlState(e);
        if (state != null && (state.startsWith("08") || state.startsWith("57P0"))) {
            return true;
        }
        var seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<Throwable, Boolean>());
        for (var t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.SocketException
                    || t instanceof java.nio.channels.ClosedChannelException
                    || t.getClass().getSimpleName().equals("ClosedConnectionException")) {
                return true;
            }
            var message = String.valueOf(t.getMessage());
            if (message.contains("the underlying connection may have been lost")
                    || message.contains("Connection is not active now")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        var root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "The field '" + unknown.getPropertyName() + "' is not known here.";
        }
        if (e instanceof InvalidFormatException invalid) {
            return "The field '" + path(invalid) + "' has a value that is not allowed: '" + clip(String.valueOf(invalid.getValue())) + "'.";
        }
        if (e instanceof MismatchedInputException mismatched) {
            var path = path(mismatched);
            return path.isEmpty() ? "The request body does not have the expected shape." : "The field '" + path + "' is missing or has the wrong type.";
        }
        return "The request body is not valid JSON.";
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    /** Strips the method name that bean validation puts in front of a parameter path ("create.request.name"). */
    private static String field(String propertyPath) {
        var parts = propertyPath.split("\\.");
        return parts.length > 2 ? String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length)) : parts[parts.length - 1];
    }

    private static String clip(String value) {
        return value.length() > 60 ? value.substring(0, 60) + "..." : value;
    }
}
