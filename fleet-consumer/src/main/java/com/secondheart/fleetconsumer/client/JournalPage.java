package com.secondheart.fleetconsumer.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.secondheart.protocol.Decoded;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.RejectReason;
import com.secondheart.protocol.fleet.FleetEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * One page of the gateway's journal, read entry by entry: the events that could be read, the entries that could
 * not (with why), and the highest journal position seen, which is where the next page starts.
 */
public record JournalPage(int entries, List<FleetEvent> events, List<Refused> refused, long lastPosition) {

    public record Refused(RejectReason reason, String detail) {
    }

    /** Reads a page; throws {@link IllegalArgumentException} when the body is not a JSON list at all. */
    public static JournalPage read(String body, ProtocolCodec codec, long after) {
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
        for (var entry : entries) {
            last = Math.max(last, entry.path("journalPosition").asLong(0));
            var decoded = codec.decodeFleetEvent(codec.encode(entry));
            if (decoded instanceof Decoded.Invalid<FleetEvent> invalid) {
                refused.add(new Refused(invalid.reason(), invalid.detail()));
            } else {
                events.add(decoded.message());
            }
        }
        return new JournalPage(entries.size(), List.copyOf(events), List.copyOf(refused), last);
    }
}
