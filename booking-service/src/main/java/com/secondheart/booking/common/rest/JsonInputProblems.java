package com.secondheart.booking.common.rest;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.secondheart.support.problem.ProblemMappers;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Quarkus REST maps a body field of the wrong type or value (an unknown enum constant, "8 o'clock" for a time) with
 * its own mapper for {@link MismatchedInputException}, which is more specific than service-support's mapper for
 * JSON errors and answers plain JSON. This sends it through service-support so that it is problem+json too.
 * Remove once service-support maps {@link MismatchedInputException} itself.
 */
public class JsonInputProblems {

    private final ProblemMappers problems = new ProblemMappers();

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return problems.unreadableJson(e);
    }
}
