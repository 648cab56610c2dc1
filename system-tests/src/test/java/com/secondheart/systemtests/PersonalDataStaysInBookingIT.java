package com.secondheart.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.secondheart.launcher.JsonHttp;
import com.secondheart.launcher.ServiceProcess;
import com.secondheart.testsupport.SecuredBroker;
import com.secondheart.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client with a name, contact details and swelling measurements goes through a whole visit: registered, screened,
 * booked, checked in, a real session on a simulated unit over the secured broker, measured before and after. Then
 * every log line of every process, every MQTT message under {@code sh/v1/} and every metric label is searched for
 * that personal data. Only booking-service may hold it, and only in its database.
 */
class PersonalDataStaysInBookingIT {

    private static final String GIVEN_NAME = "Zebedee";
    private static final String FAMILY_NAME = "Quillfeather";
    private static final String EMAIL = "zebedee.quillfeather@example.org";
    private static final String PHONE = "+44 7700 900417";
    /** Circumferences (cm) no pressure reading or timestamp will accidentally contain. */
    private static final List<Double> LEFT_BEFORE = List.of(23.17, 27.93, 33.71, 36.29, 38.83);
    private static final List<Double> LEFT_AFTER = List.of(22.87, 27.41, 33.19, 35.97, 38.47);
    private static final List<Double> RIGHT_BEFORE = List.of(23.53, 28.39, 34.07, 36.61, 39.19);
    private static final List<Double> RIGHT_AFTER = List.of(23.09, 27.79, 33.47, 36.13, 38.69);

    @TempDir
    static Path work;

    private static FleetUnderTest fleet;
    private static ServiceProcess booking;
    private static Mqtt5BlockingClient wiretap;
    private static final List<String> mqttTraffic = new CopyOnWriteArrayList<>();
    private static String clientId;
    private static String bookingId;

    @BeforeAll
    static void aClientVisitsAndHasASession() throws Exception {
        fleet = FleetUnderTest.startOnSecuredBroker("privacy", 60, work);
        wiretap = listenToEverything();
        booking = fleet.startBooking("privacy");

        var admin = new JsonHttp(FleetUnderTest::systemTestToken);
        var desk = new JsonHttp(() -> TestTokens.clinicStaff(fleet.clinicId()));
        var clinicId = fleet.clinicId();
        var serviceId = "compression-" + clinicId.substring(clinicId.length() - 8);

        created(admin.post(booking.baseUrl() + "/clinics", Map.of("clinicId", clinicId, "name", "Privacy Test Clinic",
                "timeZone", "UTC", "openingHours", allDayEveryDay())), "clinic");
        created(admin.post(booking.baseUrl() + "/services", Map.of("serviceId", serviceId, "name", "Compression 20",
                "resourceType", "BOOT_UNIT", "durationMinutes", 20, "bufferMinutes", 5, "programMode", "GRADIENT_SEQUENTIAL",
                "intensity", 3)), "service");
        created(admin.post(booking.baseUrl() + "/clinics/" + clinicId + "/resources", Map.of("resourceId",
                "boots-" + fleet.unitId(), "type", "BOOT_UNIT", "name", "Boots 1", "unitId", fleet.unitId())), "resource");

        clientId = created(desk.post(booking.baseUrl() + "/clinics/" + clinicId + "/clients", Map.of(
                "displayName", GIVEN_NAME + " " + FAMILY_NAME, "contact", EMAIL + " " + PHONE)), "client")
                .get("clientId").asText();
        var noContraindication = new LinkedHashMap<String, Boolean>();
        for (var name : List.of("DVT", "INFLAMMATORY_PHLEBITIS", "PULMONARY_EMBOLISM", "UNCONTROLLED_HEART_FAILURE",
                "ACUTE_PULMONARY_OEDEMA", "UNTREATED_LIMB_INFECTION", "LIMB_FRACTURE_OR_OPEN_WOUND", "ISCHAEMIC_VASCULAR_DISEASE")) {
            noContraindication.put(name, false);
        }
        created(desk.post(booking.baseUrl() + "/clients/" + clientId + "/screenings", Map.of("answers", noContraindication)),
                "screening");

        var today = LocalDate.now(ZoneOffset.UTC);
        var slots = desk.get(booking.baseUrl() + "/clinics/" + clinicId + "/availability?serviceId=" + serviceId
                + "&from=" + today + "&to=" + today.plusDays(1));
        assertEquals(200, slots.status(), () -> "availability: " + slots.body());
        var firstSlot = slots.body().get("slots").get(0).get("start").asText();
        bookingId = created(desk.post(booking.baseUrl() + "/bookings", Map.of("clinicId", clinicId, "serviceId", serviceId,
                "clientId", clientId, "startsAt", firstSlot)), "booking").get("bookingId").asText();

        var before = Map.of("LEFT", LEFT_BEFORE, "RIGHT", RIGHT_BEFORE);
        var after = Map.of("LEFT", LEFT_AFTER, "RIGHT", RIGHT_AFTER);
        var checkIn = desk.post(booking.baseUrl() + "/bookings/" + bookingId + "/check-in", Map.of());
        assertTrue(checkIn.ok(), () -> "check-in: HTTP " + checkIn.status() + " " + checkIn.body());

        await("the booking completed by the unit's own events").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> desk.get(booking.baseUrl() + "/bookings/" + bookingId).body().path("status").asText(),
                        "COMPLETED"::equals);

        created(desk.post(fleet.telemetryUrl() + "/outcomes", Map.of("clientId", clientId, "clinicId", clinicId,
                "bookingId", bookingId, "method", "CIRCUMFERENCES", "intervalCm", 4.0,
                "before", Map.of("legs", before), "after", Map.of("legs", after))), "outcome");
    }

    @AfterAll
    static void stopEverything() {
        if (wiretap != null) {
            wiretap.disconnect();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void bookingServiceHoldsTheClientsNameAndContactForTheDesk() {
        var client = new JsonHttp(() -> TestTokens.clinicStaff(fleet.clinicId()));
        var view = call(() -> client.get(booking.baseUrl() + "/clients/" + clientId));
        assertEquals(GIVEN_NAME + " " + FAMILY_NAME, view.get("displayName").asText());
    }

    @Test
    void noLogLineOfAnyProcessNamesTheClientOrCarriesTheirContactOrMeasurements() throws IOException {
        List<Path> logs;
        try (Stream<Path> files = Files.list(fleet.logDir())) {
            logs = files.filter(file -> file.toString().endsWith(".log")).toList();
        }
        assertTrue(logs.size() >= 4, "expected the logs of gateway, telemetry, booking and the agent, found " + logs);
        var leaks = new ArrayList<String>();
        for (var log : logs) {
            var text = Files.readString(log, StandardCharsets.UTF_8);
            assertFalse(text.isBlank(), log + " is empty: nothing to search");
            leaks.addAll(personalDataIn(log.getFileName().toString(), text));
        }
        assertEquals(List.of(), leaks);
    }

    @Test
    void noMqttMessageCarriesTheClientsNameContactOrMeasurements() {
        // The wiretap did hear the visit: the start command carried the booking id.
        assertTrue(mqttTraffic.stream().anyMatch(message -> message.contains(bookingId)),
                "the wiretap heard no message about the booking, so it proves nothing: " + mqttTraffic.size() + " messages");
        var leaks = new ArrayList<String>();
        mqttTraffic.forEach(message -> leaks.addAll(personalDataIn("MQTT", message)));
        assertEquals(List.of(), leaks);
        assertTrue(mqttTraffic.stream().noneMatch(message -> message.contains(clientId)),
                "the pseudonymous client id has no business on the device wire either");
    }

    @Test
    void noMetricOfAnyServiceLabelsTheClientOrTheirMeasurements() throws Exception {
        var http = HttpClient.newHttpClient();
        var leaks = new ArrayList<String>();
        for (var url : List.of(fleet.gatewayUrl(), fleet.telemetryUrl(), booking.baseUrl())) {
            var metrics = http.send(HttpRequest.newBuilder(URI.create(url + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            leaks.addAll(personalDataIn(url + "/q/metrics", metrics.body()));
            if (metrics.body().contains(clientId)) {
                leaks.add(url + "/q/metrics: the client id");
            }
        }
        assertEquals(List.of(), leaks);
    }

    private static List<String> personalDataIn(String where, String text) {
        var found = new ArrayList<String>();
        for (var needle : List.of(GIVEN_NAME, FAMILY_NAME, EMAIL, PHONE, PHONE.replace(" ", ""), "7700 900417")) {
            if (text.toLowerCase().contains(needle.toLowerCase())) {
                found.add(where + ": " + needle);
            }
        }
        for (var value : Stream.of(LEFT_BEFORE, LEFT_AFTER, RIGHT_BEFORE, RIGHT_AFTER).flatMap(List::stream).toList()) {
            var number = Pattern.compile("(?<![\\d.])" + Pattern.quote(String.valueOf(value)) + "(?!\\d)");
            if (number.matcher(text).find()) {
                found.add(where + ": measurement " + value);
            }
        }
        return found;
    }

    private static Mqtt5BlockingClient listenToEverything() {
        var client = Mqtt5Client.builder().identifier("observer-privacy-" + fleet.unitId())
                .serverHost(fleet.mqttHost()).serverPort(fleet.mqttPort()).buildBlocking();
        var connect = client.connectWith();
        fleet.observerPassword().ifPresent(password -> connect.simpleAuth().username(SecuredBroker.OBSERVER)
                .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth());
        connect.send();
        client.toAsync().publishes(MqttGlobalPublishFilter.SUBSCRIBED, publish -> mqttTraffic.add(
                publish.getTopic() + " " + new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        client.subscribeWith().topicFilter("sh/v1/#").qos(MqttQos.AT_LEAST_ONCE).send();
        return client;
    }

    private static List<Map<String, String>> allDayEveryDay() {
        var hours = new ArrayList<Map<String, String>>();
        for (var day : EnumSet.allOf(java.time.DayOfWeek.class)) {
            hours.add(Map.of("day", day.name(), "opens", "00:00", "closes", "23:59"));
        }
        return hours;
    }

    private static JsonNode created(JsonHttp.Reply reply, String what) {
        assertTrue(reply.ok(), () -> what + ": HTTP " + reply.status() + " " + reply.body());
        return reply.body();
    }

    private interface Call {
        JsonHttp.Reply send() throws Exception;
    }

    private static JsonNode call(Call call) {
        try {
            var reply = call.send();
            assertTrue(reply.ok(), () -> "HTTP " + reply.status() + " " + reply.body());
            return reply.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
