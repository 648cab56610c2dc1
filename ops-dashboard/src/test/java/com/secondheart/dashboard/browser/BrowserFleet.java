package com.secondheart.dashboard.browser;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.secondheart.dashboard.overview.client.StubServer;
import com.secondheart.dashboard.signin.TestUsers;
import com.secondheart.protocol.ProtocolCodec;
import com.secondheart.protocol.Topics;
import com.secondheart.protocol.device.EventData;
import com.secondheart.protocol.device.Leg;
import com.secondheart.protocol.device.TelemetrySummary;
import com.secondheart.protocol.device.UnitEvent;
import com.secondheart.protocol.fleet.FleetEvent;
import com.secondheart.protocol.fleet.FleetTelemetry;
import com.secondheart.protocol.fleet.UnitPresence;
import com.secondheart.protocol.fleet.UnitState;
import com.secondheart.testsupport.TestServers;
import com.secondheart.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the packaged dashboard talks to in the browser test: a real MQTT broker (test-support's, embedded unless
 * SH_TEST_MQTT_HOST is set) on which this class plays the gateway's fleet hand-off (retained presence, fault events,
 * per-second telemetry, encoded with the protocol's own codec), and stand-ins for the REST APIs of booking, gateway
 * and telemetry with a small fleet of three clinics whose times are now.
 */
public class BrowserFleet implements QuarkusTestResourceLifecycleManager {

    static final String HARBOUR = "clinic-harbour";
    static final String NORTH = "clinic-north";
    static final String BAY = "clinic-bay";

    private static final ProtocolCodec CODEC = ProtocolCodec.shared();
    private static StubServer booking;
    private static StubServer gateway;
    private static StubServer telemetry;
    private static Mqtt5BlockingClient mqtt;
    private static final List<String> retained = new CopyOnWriteArrayList<>();
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @Override
    public Map<String, String> start() {
        booking = new StubServer("booking");
        gateway = new StubServer("gateway");
        telemetry = new StubServer("telemetry");
        for (var stub : List.of(booking, gateway, telemetry)) {
            stub.start();
        }
        serveFleet();
        mqtt = MqttClient.builder().useMqttVersion5().identifier("browser-test-gateway-" + TestServers.newRunId())
                .serverHost(TestServers.mqttHost()).serverPort(TestServers.mqttPort()).buildBlocking();
        mqtt.connect();

        var config = new HashMap<>(TestTokens.config());
        config.put("sh.booking.url", booking.url());
        config.put("sh.gateway.url", gateway.url());
        config.put("sh.telemetry.url", telemetry.url());
        config.put("sh.dashboard.sign-in.users-file", TestUsers.file().toString());
        config.put("sh.mqtt.host", TestServers.mqttHost());
        config.put("sh.mqtt.port", Integer.toString(TestServers.mqttPort()));
        config.put("sh.dashboard.live.mqtt", "true");
        config.put("sh.dashboard.poll-interval", "1s");
        config.put("sh.dashboard.overview-max-age", "0s");
        config.put("quarkus.http.access-log.enabled", "true");
        return config;
    }

    @Override
    public void stop() {
        if (mqtt != null) {
            // Leave no retained states of this test on a shared broker.
            retained.forEach(topic -> mqtt.publishWith().topic(topic).retain(true).qos(MqttQos.AT_LEAST_ONCE).send());
            mqtt.disconnect();
        }
        for (var stub : new StubServer[] {booking, gateway, telemetry}) {
            if (stub != null) {
                stub.stop();
            }
        }
    }

    static StubServer gateway() {
        return gateway;
    }

    static StubServer booking() {
        return booking;
    }

    // --- the gateway's fleet hand-off, played over the real broker ---------------------------------------------

    static void presence(String clinicId, String unitId, UnitState state) {
        var topic = Topics.fleetPresence(clinicId, unitId);
        var now = Instant.now();
        mqtt.publishWith().topic(topic).retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload(CODEC.encode(new UnitPresence(1, unitId, clinicId, state, 8, "1.4.0", now, now))).send();
        retained.add(topic);
    }

    /** {@code seconds} one-second pressure summaries of a five-zone gradient-sequential cycle, ending now. */
    static void pressures(String clinicId, String unitId, String sessionId, int seconds) {
        var end = Instant.now();
        for (int i = seconds; i > 0; i--) {
            var at = end.minusSeconds(i);
            var zones = new ArrayList<TelemetrySummary.ZoneSample>();
            for (var leg : Leg.values()) {
                for (int zone = 1; zone <= 5; zone++) {
                    var setPoint = 60.0 - 5 * (zone - 1);
                    var mean = gradientSequential(seconds - i, zone, setPoint) + (leg == Leg.R ? 0.6 : 0);
                    zones.add(new TelemetrySummary.ZoneSample(leg, zone, setPoint, mean, mean + 1.5));
                }
            }
            var summary = new TelemetrySummary(1, unitId, sessionId, at, zones);
            mqtt.publishWith().topic(Topics.fleetTelemetry(clinicId, unitId)).qos(MqttQos.AT_MOST_ONCE)
                    .payload(CODEC.encode(new FleetTelemetry(1, clinicId, at, summary))).send();
        }
    }

    /** A 24-second cycle: zone 1 (foot) fills first and holds, each zone above 1.5 s later; all vent at 14 s; rest. */
    private static double gradientSequential(int second, int zone, double setPoint) {
        var t = second % 24;
        var start = 1.5 * (zone - 1);
        if (t < start) {
            return 2.0;
        }
        if (t < 14) {
            return Math.min(setPoint, 2.0 + (t - start + 1) * setPoint / 2.5);
        }
        if (t < 16) {
            return Math.max(2.0, setPoint * (16 - t) / 3.0);
        }
        return 2.0;
    }

    // --- the REST stand-ins --------------------------------------------------------------------------------

    private static void serveFleet() {
        booking.json("/clinics", """
                [{"clinicId":"clinic-harbour","name":"Harbour Recovery","timeZone":"Europe/London","openingHours":[]},
                 {"clinicId":"clinic-north","name":"North Recovery","timeZone":"Europe/Berlin","openingHours":[]},
                 {"clinicId":"clinic-bay","name":"Bay Sports Clinic","timeZone":"Europe/Dublin","openingHours":[]}]""");
        var units = List.of(
                unit("unit-h1", HARBOUR, "ONLINE", "1.4.0", NOW.minus(Duration.ofMinutes(12))),
                unit("unit-h2", HARBOUR, "IN_SESSION", "1.4.0", NOW.minus(Duration.ofMinutes(4))),
                unit("unit-h3", HARBOUR, "ONLINE", "1.4.0", NOW.minus(Duration.ofMinutes(30))),
                unit("unit-n1", NORTH, "IN_SESSION", "1.4.0", NOW.minus(Duration.ofMinutes(7))),
                unit("unit-n2", NORTH, "ONLINE", "1.3.2", NOW.minus(Duration.ofMinutes(55))),
                unit("unit-n3", NORTH, "FAULTED", "1.4.0", NOW.minus(Duration.ofMinutes(3))),
                unit("unit-b1", BAY, "ONLINE", "1.4.0", NOW.minus(Duration.ofMinutes(20))),
                unit("unit-b2", BAY, "OFFLINE", "1.3.2", NOW.minus(Duration.ofHours(30))));
        gateway.route("/units", query -> StubServer.Answer.json(
                "0".equals(query.getOrDefault("page", "0")) ? "[" + String.join(",", units) + "]" : "[]"));
        gateway.json("/events", "[" + CODEC.encodeToString(FleetEvent.of(NORTH, NOW.minus(Duration.ofMinutes(3)), 41,
                UnitEvent.of("unit-n3", 57, 8, NOW.minus(Duration.ofMinutes(3)).minusSeconds(1),
                        new EventData.FaultRaised("LEAK", "Zone 3 could not hold its pressure", "s-n3-9", Leg.L, 3,
                                new EventData.ZonePressures(List.of(55.0, 50.0, 12.0, 40.0, 35.0),
                                        List.of(55.0, 50.0, 45.0, 40.0, 35.0)))))) + "]");
        for (var unit : List.of("unit-n3", "unit-h1")) {
            gateway.json("/units/" + unit + "/commands",
                    "{\"commandId\":\"cmd-ack-" + unit + "\",\"unitId\":\"" + unit + "\",\"type\":\"acknowledge-fault\",\"state\":\"SENT\"}");
        }
        serveHarboursDesk();
        telemetry.route("/sessions/counts", query -> StubServer.Answer.json(switch (query.getOrDefault("clinicId", "")) {
            case HARBOUR -> counts(HARBOUR, "unit-h1", 41, 1, "unit-h2", 38, 2, "unit-h3", 29, 0);
            case NORTH -> counts(NORTH, "unit-n1", 52, 2, "unit-n2", 33, 1, "unit-n3", 47, 4);
            case BAY -> counts(BAY, "unit-b1", 18, 0, "unit-b2", 12, 1, "unit-b9", 0, 0);
            default -> "[]";
        }));
    }

    /** Harbour's desk today: one booking on unit-h1 whose client has written on WhatsApp (so the desk may reply). */
    private static void serveHarboursDesk() {
        booking.json("/clinics/clinic-harbour", """
                {"clinicId":"clinic-harbour","name":"Harbour Recovery","timeZone":"Europe/London","openingHours":[],
                 "cancellationWindowHours":24}""");
        booking.json("/clinics/clinic-harbour/resources", """
                [{"resourceId":"boots-h1","clinicId":"clinic-harbour","type":"BOOT_UNIT","name":"Boots 1","unitId":"unit-h1"}]""");
        booking.json("/services", """
                [{"serviceId":"comp20","name":"Compression 20","resourceType":"BOOT_UNIT","durationMinutes":20,"bufferMinutes":5}]""");
        booking.json("/clinics/clinic-harbour/clients", """
                [{"clientId":"c-1","clinicId":"clinic-harbour","displayName":"Ada Lovelace"}]""");
        // Two free starts on boots-h1, counted from the moment of asking: one within the walk-in reach, one later.
        booking.route("/clinics/clinic-harbour/availability", query -> {
            var soon = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(5));
            var later = soon.plus(Duration.ofMinutes(30));
            return StubServer.Answer.json("""
                    {"clinicId":"clinic-harbour","serviceId":"comp20","timeZone":"Europe/London","slots":[
                      {"start":"%s","end":"%s","resourceIds":["boots-h1"]},
                      {"start":"%s","end":"%s","resourceIds":["boots-h1"]}]}""".formatted(soon, soon.plus(Duration.ofMinutes(20)),
                    later, later.plus(Duration.ofMinutes(20))));
        });
        booking.json("/clients/c-1/screenings", """
                [{"screeningId":"s-1","clientId":"c-1","clear":true,"screenedAt":"2026-01-01T09:00:00Z","validUntil":"2099-01-01T00:00:00Z","answers":{}}]""");
        booking.route("/bookings", query -> StubServer.Answer.json(query.containsKey("clinicId") ? """
                [{"bookingId":"b-msg","clinicId":"clinic-harbour","resourceId":"boots-h1","serviceId":"comp20","clientId":"c-1",
                  "startsAt":"%s","endsAt":"%s","heldUntil":"%s","status":"BOOKED"}]"""
                .formatted(NOW, NOW.plus(Duration.ofMinutes(20)), NOW.plus(Duration.ofMinutes(25)))
                : """
                {"bookingId":"b-walk-in","clinicId":"clinic-harbour","resourceId":"boots-h1","serviceId":"comp20","clientId":"c-1",
                 "startsAt":"%s","endsAt":"%s","heldUntil":"%s","status":"BOOKED"}""".formatted(NOW, NOW, NOW)));
        booking.json("/clinics/clinic-harbour/inbox", """
                [{"inboundId":"in-1","channel":"SMS","clinicId":"clinic-harbour","clientId":null,"sender":"+4915200000001",
                  "body":"Do you have time on Saturday?","receivedAt":"%s","effect":null}]""".formatted(NOW.minus(Duration.ofMinutes(30))));
        booking.route("/clinics/clinic-harbour/inbox/in-1/assign", query -> new StubServer.Answer(204, "", () -> { }));
        // Another desk took every time this booking is moved to.
        booking.route("/bookings/b-msg/reschedule", query -> new StubServer.Answer(409,
                "{\"type\":\"about:blank\",\"title\":\"Slot taken\",\"status\":409,\"detail\":\"exclusion constraint\"}", () -> { }));
        booking.json("/clients/c-1/conversation", """
                {"clientId":"c-1","replyChannel":"WHATSAPP","replyWindowUntil":"%s","entries":[
                  {"id":"m-1","direction":"OUT","channel":"WHATSAPP","kind":"CONFIRMATION","text":"Hi Ada, your Compression 20 is booked.",
                   "status":"DELIVERED","at":"%s","sentBy":null,"effect":null},
                  {"id":"i-1","direction":"IN","channel":"WHATSAPP","kind":null,"text":"Can I bring my own towel?","status":null,
                   "at":"%s","sentBy":null,"effect":null}]}"""
                .formatted(NOW.plus(Duration.ofHours(23)), NOW.minus(Duration.ofHours(2)), NOW.minus(Duration.ofHours(1))));
    }

    private static String unit(String unitId, String clinicId, String state, String firmware, Instant since) {
        var lastSeen = "OFFLINE".equals(state) ? since : NOW.minusSeconds(5);
        return """
                {"unitId":"%s","clinicId":"%s","model":"SH-Boot 5","zonesPerLeg":5,"firmware":"%s","active":true,
                 "state":"%s","bootSeq":8,"lastSeen":"%s","stateSince":"%s"}""".formatted(unitId, clinicId, firmware, state, lastSeen, since);
    }

    private static String counts(String clinicId, Object... rows) {
        var items = new ArrayList<String>();
        for (int i = 0; i < rows.length; i += 3) {
            items.add("""
                    {"unitId":"%s","clinicId":"%s","completed":%d,"aborted":%d,"running":0,"lastEndedAt":"%s"}"""
                    .formatted(rows[i], clinicId, rows[i + 1], rows[i + 2], NOW.minus(Duration.ofMinutes(9 + i))));
        }
        return "[" + String.join(",", items) + "]";
    }
}
