package com.secondheart.booking.gateway.service;

import com.secondheart.booking.gateway.client.GatewayCommandsClient;
import com.secondheart.support.problem.ProblemException;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The gateway calls, each with a timeout and behind a circuit breaker ({@code gateway-issue}, {@code gateway-command}):
 * when the gateway keeps failing or timing out, further calls fail at once for a while instead of holding the desk. An answer the gateway
 * gives on purpose (unknown unit, refused) is a {@link ProblemException} and never trips the breaker.
 */
@ApplicationScoped
public class GatewayCommands {

    private final GatewayCommandsClient client;

    public GatewayCommands(@RestClient GatewayCommandsClient client) {
        this.client = client;
    }

    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 10_000, successThreshold = 1,
            skipOn = ProblemException.class)
    @CircuitBreakerName("gateway-issue")
    public Uni<GatewayCommandsClient.Issued> issue(String unitId, GatewayCommandsClient.StartRequest request) {
        return client.issue(unitId, request).onFailure(WebApplicationException.class)
                .transform(failure -> refusal((WebApplicationException) failure, unitId));
    }

    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 10_000, successThreshold = 1,
            skipOn = ProblemException.class)
    @CircuitBreakerName("gateway-command")
    public Uni<GatewayCommandsClient.Command> command(String commandId, String unitId) {
        return client.command(commandId).onFailure(WebApplicationException.class)
                .transform(failure -> refusal((WebApplicationException) failure, unitId));
    }

    /** 4xx answers are the gateway's decision, not its failure; 5xx stay failures for the breaker. */
    private static Throwable refusal(WebApplicationException failure, String unitId) {
        var status = failure.getResponse() == null ? 500 : failure.getResponse().getStatus();
        return switch (status) {
            case 404 -> ProblemException.conflict("The gateway does not know unit '" + unitId
                    + "'; register the unit at the gateway or move the booking to another unit.");
            case 409 -> ProblemException.conflict("The gateway refused to command unit '" + unitId
                    + "' (it may be decommissioned); move the booking to another unit.");
            case 401, 403 -> ProblemException.unavailable("The gateway did not accept this service's credentials, so no "
                    + "session can be started; tell operations.");
            default -> status >= 400 && status < 500
                    ? ProblemException.unavailable("The gateway refused the start command (" + status + "); tell operations.")
                    : failure;
        };
    }
}
