package com.secondheart.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.secondheart.protocol.device.CommandReply;
import com.secondheart.protocol.device.CommandType;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.EventType;
import com.secondheart.protocol.device.JournalReceipt;
import com.secondheart.protocol.device.TelemetrySummary;
import com.secondheart.protocol.device.UnitCommand;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.device.UnitStatus;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.protocol.fleet.FleetTelemetry;
import com.secondheart.protocol.fleet.UnitPresence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/**
 * Reads and writes every payload of the contract. Reading never throws: a bad payload becomes a
 * {@link Decoded.Invalid} with a reason for the metric and a sentence for the log. Thread-safe.
 */
public final class ProtocolCodec {

    /** Largest payload accepted; a summary or event is well under 4 KiB, so anything bigger is a fault or an attack. */
    public static final int MAX_PAYLOAD_BYTES = 16 * 1024;

    /**
     * Largest MQTT packet any Second Heart client or broker handles (64 KiB): the largest payload of the contract
     * ({@link #MAX_PAYLOAD_BYTES}, which no legitimate message comes near) plus its topic (under 200 bytes) and
     * properties, with a margin of four. The brokers disconnect a client that sends a bigger packet before reading
     * its body ({@code max_packet_size} in deploy/mosquitto/mosquitto.conf, {@code max-packet-size} in the embedded
     * HiveMQ), and every client announces it as its MQTT 5 Maximum Packet Size, so that a broker never hands it
     * more (docs/security.md, "Attacks").
     */
    public static final int MAX_PACKET_BYTES = 64 * 1024;

    private static final ProtocolCodec SHARED = new ProtocolCodec();

    private final ObjectMapper mapper;

    public ProtocolCodec() {
        var mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
        this.mapper = mapper;
    }

    public static ProtocolCodec shared() {
        return SHARED;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public byte[] encode(Object message) {
        try {
            return mapper.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    public String encodeToString(Object message) {
        try {
            return mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    public Decoded<UnitStatus> decodeStatus(byte[] payload) {
        return decode(payload, UnitStatus.class);
    }

    public Decoded<TelemetrySummary> decodeTelemetry(byte[] payload) {
        return decode(payload, TelemetrySummary.class);
    }

    public Decoded<CommandReply> decodeReply(byte[] payload) {
        return decode(payload, CommandReply.class);
    }

    public Decoded<JournalReceipt> decodeReceipt(byte[] payload) {
        return decode(payload, JournalReceipt.class);
    }

    public Decoded<UnitPresence> decodePresence(byte[] payload) {
        return decode(payload, UnitPresence.class);
    }

    public Decoded<FleetTelemetry> decodeFleetTelemetry(byte[] payload) {
        return decode(payload, FleetTelemetry.class);
    }

    public Decoded<UnitCommand> decodeCommand(byte[] payload) {
        var tree = readVersioned(payload);
        if (tree instanceof Decoded.Invalid<ObjectNode> invalid) {
            return Decoded.invalid(invalid.reason(), invalid.detail());
        }
        var node = tree.message();
        var typeName = node.path("type").asText(null);
        if (typeName == null) {
            return Decoded.invalid(RejectReason.INVALID_FIELD, "field 'type' is missing");
        }
        if (CommandType.fromWire(typeName).isEmpty()) {
            return Decoded.invalid(RejectReason.UNKNOWN_TYPE, "unknown command type '" + clip(typeName) + "'");
        }
        return bind(node, UnitCommand.class);
    }

    public Decoded<UnitEvent> decodeEvent(byte[] payload) {
        var tree = readVersioned(payload);
        if (tree instanceof Decoded.Invalid<ObjectNode> invalid) {
            return Decoded.invalid(invalid.reason(), invalid.detail());
        }
        return eventFromTree(tree.message());
    }

    public Decoded<FleetEvent> decodeFleetEvent(byte[] payload) {
        var tree = readVersioned(payload);
        if (tree instanceof Decoded.Invalid<ObjectNode> invalid) {
            return Decoded.invalid(invalid.reason(), invalid.detail());
        }
        var node = tree.message();
        if (!(node.get("event") instanceof ObjectNode eventNode)) {
            return Decoded.invalid(RejectReason.INVALID_FIELD, "field 'event' is missing or not an object");
        }
        var event = eventFromTree(eventNode);
        if (event instanceof Decoded.Invalid<UnitEvent> invalid) {
            return Decoded.invalid(invalid.reason(), "event: " + invalid.detail());
        }
        node.remove("event");
        Decoded<FleetEvent> envelope = bindUnvalidated(node, FleetEvent.class);
        if (envelope instanceof Decoded.Invalid<FleetEvent> invalid) {
            return invalid;
        }
        var partial = envelope.message();
        return validated(new FleetEvent(partial.v(), partial.clinicId(), partial.receiveTime(),
                partial.journalPosition(), event.message()));
    }

    private Decoded<UnitEvent> eventFromTree(ObjectNode node) {
        var typeName = node.path("type").asText(null);
        if (typeName == null) {
            return Decoded.invalid(RejectReason.INVALID_FIELD, "field 'type' is missing");
        }
        var type = EventType.fromWire(typeName);
        if (type.isEmpty()) {
            return Decoded.invalid(RejectReason.UNKNOWN_TYPE, "unknown event type '" + clip(typeName) + "'");
        }
        if (!(node.get("data") instanceof ObjectNode dataNode)) {
            return Decoded.invalid(RejectReason.INVALID_FIELD, "field 'data' is missing or not an object");
        }
        Decoded<? extends EventData> data = bindUnvalidated(dataNode, type.get().dataType());
        if (data instanceof Decoded.Invalid<? extends EventData> invalid) {
            return Decoded.invalid(invalid.reason(), "data: " + invalid.detail());
        }
        node.remove("data");
        Decoded<UnitEvent> envelope = bindUnvalidated(node, UnitEvent.class);
        if (envelope instanceof Decoded.Invalid<UnitEvent> invalid) {
            return invalid;
        }
        var partial = envelope.message();
        return validated(new UnitEvent(partial.v(), partial.eventId(), partial.unitId(), partial.seq(),
                partial.bootSeq(), partial.type(), partial.deviceTime(), data.message()));
    }

    private <T extends Validatable> Decoded<T> decode(byte[] payload, Class<T> type) {
        var tree = readVersioned(payload);
        if (tree instanceof Decoded.Invalid<ObjectNode> invalid) {
            return Decoded.invalid(invalid.reason(), invalid.detail());
        }
        return bind(tree.message(), type);
    }

    private Decoded<ObjectNode> readVersioned(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return Decoded.invalid(RejectReason.MALFORMED_JSON, "the payload is empty");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            return Decoded.invalid(RejectReason.TOO_LARGE,
                    "the payload has " + payload.length + " bytes, more than the limit of " + MAX_PAYLOAD_BYTES);
        }
        JsonNode node;
        try {
            node = mapper.readTree(payload);
        } catch (IOException e) {
            return Decoded.invalid(RejectReason.MALFORMED_JSON, "the payload is not valid JSON");
        }
        if (!(node instanceof ObjectNode object)) {
            return Decoded.invalid(RejectReason.MALFORMED_JSON, "the payload is not a JSON object");
        }
        var version = object.get("v");
        if (version == null) {
            return Decoded.invalid(RejectReason.UNSUPPORTED_VERSION, "field 'v' (schema version) is missing");
        }
        if (!version.isInt() || version.intValue() != SchemaVersion.CURRENT) {
            return Decoded.invalid(RejectReason.UNSUPPORTED_VERSION,
                    "schema version " + clip(version.toString()) + " is not supported (expected " + SchemaVersion.CURRENT + ")");
        }
        return Decoded.valid(object);
    }

    private <T extends Validatable> Decoded<T> bind(JsonNode node, Class<T> type) {
        var bound = bindUnvalidated(node, type);
        return bound.isValid() ? validated(bound.message()) : bound;
    }

    private <T> Decoded<T> bindUnvalidated(JsonNode node, Class<T> type) {
        try {
            return Decoded.valid(mapper.treeToValue(node, type));
        } catch (InvalidFormatException e) {
            return Decoded.invalid(RejectReason.INVALID_FIELD, "field '" + path(e) + "' has a value that is not allowed");
        } catch (MismatchedInputException e) {
            return Decoded.invalid(RejectReason.INVALID_FIELD, "field '" + path(e) + "' is missing or has the wrong type");
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return Decoded.invalid(RejectReason.INVALID_FIELD, "the payload does not have the expected fields");
        }
    }

    private static <T extends Validatable> Decoded<T> validated(T message) {
        var problems = message.violations();
        return problems.isEmpty()
                ? Decoded.valid(message)
                : Decoded.invalid(RejectReason.INVALID_FIELD, String.join("; ", problems));
    }

    private static String path(MismatchedInputException e) {
        var path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return path.isEmpty() ? "?" : path;
    }

    /** Keeps a hostile or huge value out of logs. */
    private static String clip(String value) {
        var printable = value.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }
}
