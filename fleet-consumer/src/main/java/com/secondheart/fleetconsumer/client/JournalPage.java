package com.secondheart.fleetconsumer.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.fleet.FleetEvent;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One page of the gateway's journal, read entry by entry: the events that could be read, the entries that could
 * not (with why), and the highest journal position taken, which is where the next page starts. The page ends early
 * ({@code stoppedEarly}) at an entry the gateway received after {@code settledBefore} or at an event the push path
 * holds ({@code heldByPush}, by event id): those are push's, and a catch-up that took them too would insert the same
 * processed-event rows as a push transaction still running and wait for its commit
 * (see {@code FleetConsumerConfig.CatchUp#settle}). The next round starts there again.
 */
public record JournalPage(int entries, List<FleetEvent> events, List<Refused> refused, long lastPosition,
                          boolean stoppedEarly) {

    public record Refused(RejectReason reason, String detail) {
    }

    /** Reads a page; throws {@link IllegalArgumentException} when the body is not a JSON list at all. */
    public static JournalPage read(String body, ProtocolCodec codec, long after, Instant settledBefore,
                                   Predicate<String> heldByPush) {
        ArrayNode entries;
        try {
            if (!(codec.mapper().readTree(body) instanceof ArrayNode array)) {
                throw new IllegalArgumentException("the gateway's journal did not answer with a JSON list");
            }
            entries = array;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the gateway's journal answered with something that is not JSON");
        }
        var events = new ArrayList<FleetEvent>(entries.size());
        var refused = new ArrayList<Refused>();
        var last = after;
        var taken = 0;
        for (var entry : entries) {
            if (receivedAfter(entry.path("receiveTime").asText(""), settledBefore)) {
                return new JournalPage(taken, List.copyOf(events), List.copyOf(refused), last, true);
            }
            var decoded = codec.decodeFleetEvent(codec.encode(entry));
            if (decoded instanceof Decoded.Invalid<FleetEvent> invalid) {
                refused.add(new Refused(invalid.reason(), invalid.detail()));
            } else if (heldByPush.test(decoded.message().event().eventId())) {
                return new JournalPage(taken, List.copyOf(events), List.copyOf(refused), last, true);
            } else {
                events.add(decoded.message());
            }
            taken++;
            last = Math.max(last, entry.path("journalPosition").asLong(0));
        }
        return new JournalPage(taken, List.copyOf(events), List.copyOf(refused), last, false);
    }

    /** An entry without a readable receive time counts as settled: it is refused or applied now, never skipped. */
    private static boolean receivedAfter(String receiveTime, Instant settledBefore) {
        try {
            return Instant.parse(receiveTime).isAfter(settledBefore);
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
