package com.secondheart.booking.audit.rest;

import com.secondheart.booking.audit.repository.AuditRepository.Entry;
import com.secondheart.booking.audit.service.AuditTrail;
import com.secondheart.support.problem.Paging;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * The audit trail (docs/security.md, "Personal data"): who read a client's personal fields or changed something,
 * when, what and from where. Operations only; it holds pseudonymous ids, never names.
 */
@Path("/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATIONS)
public class AuditEndpoint {

    private static final Duration DEFAULT_RANGE = Duration.ofDays(30);

    private final AuditTrail trail;
    private final Clock clock;

    public AuditEndpoint(AuditTrail trail, Clock clock) {
        this.trail = trail;
        this.clock = clock;
    }

    /** Newest first; {@code from} (default 30 days before {@code to}) inclusive, {@code to} (default now) exclusive. */
    @GET
    public Uni<List<Entry>> find(@QueryParam("clientId") String clientId, @QueryParam("from") String from,
                                 @QueryParam("to") String to,
                                 @QueryParam("page") @DefaultValue("0") @Min(value = 0, message = "must be between 0 and 100000")
                                 @Max(value = Paging.MAX_PAGE, message = "must be between 0 and 100000") int page,
                                 @QueryParam("size") @DefaultValue("100")
                                 @Min(value = 1, message = "must be between 1 and 1000")
                                 @Max(value = 1000, message = "must be between 1 and 1000") int size) {
        UUID client = null;
        if (clientId != null && !clientId.isBlank()) {
            try {
                client = UUID.fromString(clientId.strip());
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("clientId must be the pseudonymous client id (a UUID).");
            }
        }
        var end = instant("to", to, clock.instant().plusSeconds(1));
        var start = instant("from", from, end.minus(DEFAULT_RANGE));
        if (!start.isBefore(end)) {
            throw ProblemException.badRequest("from must be before to.");
        }
        return trail.find(client, start, end, page, size);
    }

    private static Instant instant(String name, String value, Instant fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(name + " must be an instant such as 2026-12-01T00:00:00Z.");
        }
    }
}
