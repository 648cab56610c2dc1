package com.secondheart.booking.privacy.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.secondheart.booking.privacy.client.TelemetryClient;
import com.secondheart.booking.privacy.repository.PersonalDataRepository;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;

/**
 * A client's export and erasure (docs/security.md, "Personal data"), for clinic staff of the client's clinic: the
 * same rule as every other call that shows a client's personal fields. Another clinic's client and a missing one get
 * the same 403.
 */
@ApplicationScoped
public class PersonalData {

    private static final Logger LOG = Logger.getLogger(PersonalData.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int OUTCOME_PAGE = 200;
    private static final int MAX_OUTCOME_PAGES = 50;
    private static final Duration TELEMETRY_WAIT = Duration.ofSeconds(10);

    /** What an erasure did: when the client was erased, and whether telemetry confirmed their outcomes unlinked. */
    public record Erasure(UUID clientId, String clinicId, Instant erasedAt, boolean outcomesUnlinked) {
    }

    private final Caller caller;
    private final PersonalDataRepository data;
    private final TelemetryClient telemetry;
    private final Clock clock;

    public PersonalData(Caller caller, PersonalDataRepository data, @RestClient TelemetryClient telemetry,
                        Clock clock) {
        this.caller = caller;
        this.data = data;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /**
     * Everything held about the client as one document: booking-service's rows in every table that refers to the
     * client (by table name), and from telemetry-service the sessions of the client's bookings and their outcomes.
     */
    public Uni<JsonNode> export(String clientId) {
        var exportedAt = clock.instant();
        return Panache.withSession(() -> visibleClient(clientId).chain(client -> data.referringTables()
                        .chain(tables -> {
                            // the catalogue lists clients itself too (its key is the client_id column)
                            return Multi.createFrom().iterable(tables)
                                    .onItem().transformToUniAndConcatenate(table -> data.rows(table, client.clientId())
                                            .map(rows -> Map.entry(table.table(), parse(rows))))
                                    .collect().asList();
                        })
                        .map(tables -> {
                            var document = JSON.createObjectNode();
                            document.put("clientId", client.clientId().toString());
                            document.put("clinicId", client.clinicId());
                            document.put("exportedAt", exportedAt.toString());
                            var booking = document.putObject("booking");
                            for (var table : tables) {
                                var rows = booking.has(table.getKey()) ? (ArrayNode) booking.get(table.getKey()) : booking.putArray(table.getKey());
                                if (rows.isEmpty()) {
                                    rows.addAll((ArrayNode) table.getValue());
                                }
                            }
                            return document;
                        })))
                .chain(document -> telemetryPart(document).map(part -> {
                    document.set("telemetry", part);
                    return (JsonNode) document;
                }));
    }

    private Uni<ObjectNode> telemetryPart(ObjectNode document) {
        var clientId = document.get("clientId").asText();
        var sessionIds = new ArrayList<String>();
        for (var booking : document.path("booking").path("bookings")) {
            var sessionId = booking.path("session_id");
            if (sessionId.isTextual() && !sessionId.asText().isBlank()) {
                sessionIds.add(sessionId.asText());
            }
        }
        var part = JSON.createObjectNode();
        var sessions = part.putArray("sessions");
        var outcomes = part.putArray("outcomes");
        Uni<Void> sessionsRead = Multi.createFrom().iterable(sessionIds)
                .onItem().transformToUniAndConcatenate(id -> telemetry.session(id).ifNoItem().after(TELEMETRY_WAIT).fail()
                        .onFailure(PersonalData::notFound).recoverWithNull())
                .collect().asList()
                .invoke(found -> found.forEach(sessions::add))
                .replaceWithVoid();
        return sessionsRead.chain(() -> outcomesFrom(clientId, 0, outcomes)).replaceWith(part)
                .onFailure(failure -> !(failure instanceof ProblemException)).transform(failure -> {
                    // the failure's class only: its message may carry the request's URL, which names the client
                    LOG.warnf("a client's export could not read telemetry-service (%s)", failure.getClass().getSimpleName());
                    return ProblemException.unavailable("telemetry-service did not answer, so the export would be "
                            + "incomplete; nothing was exported. Try again in a minute.");
                });
    }

    private Uni<Void> outcomesFrom(String clientId, int page, ArrayNode into) {
        return telemetry.outcomes(clientId, page, OUTCOME_PAGE).ifNoItem().after(TELEMETRY_WAIT).fail().chain(found -> {
            found.forEach(into::add);
            if (found.size() < OUTCOME_PAGE || page + 1 >= MAX_OUTCOME_PAGES) {
                return Uni.createFrom().voidItem();
            }
            return outcomesFrom(clientId, page + 1, into);
        });
    }

    /**
     * Erases the client's personal data (see {@link PersonalDataRepository#erase}) and asks telemetry to unlink their
     * outcomes. Repeating it is harmless. When telemetry does not answer, the erasure here stands and the retention
     * sweep asks telemetry again until it does ({@code outcomesUnlinked} false meanwhile).
     */
    public Uni<Erasure> erase(String clientId) {
        return Panache.withTransaction(() -> visibleClient(clientId)
                        .chain(client -> data.erase(client.clientId(), clock.instant())
                                .map(erasedAt -> new Erasure(client.clientId(), client.clinicId(), erasedAt, false))))
                .chain(erasure -> unlinkOutcomes(erasure.clientId())
                        .map(unlinked -> new Erasure(erasure.clientId(), erasure.clinicId(), erasure.erasedAt(), unlinked)));
    }

    /** Asks telemetry to unlink the client's outcomes; true once it confirmed (and that is recorded). */
    public Uni<Boolean> unlinkOutcomes(UUID clientId) {
        return telemetry.unlink(clientId.toString()).ifNoItem().after(TELEMETRY_WAIT).fail()
                .chain(answer -> Panache.withTransaction(() -> data.markOutcomesUnlinked(clientId, clock.instant())))
                .replaceWith(true)
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("telemetry-service did not unlink an erased client's outcomes (%s); the retention sweep "
                            + "tries again", failure.getClass().getSimpleName());
                    return false;
                });
    }

    /** The client if the caller may see it; otherwise the same 403 whether it exists elsewhere or not at all. */
    private Uni<PersonalDataRepository.ClientRef> visibleClient(String clientId) {
        UUID id;
        try {
            id = UUID.fromString(clientId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(Caller.denied());
        }
        return data.client(id).map(client -> {
            if (client == null || !caller.maySee(client.clinicId())) {
                throw Caller.denied();
            }
            return client;
        });
    }

    private static boolean notFound(Throwable failure) {
        return failure instanceof WebApplicationException web && web.getResponse() != null
                && web.getResponse().getStatus() == 404;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the database returned no JSON array", e);
        }
    }
}
