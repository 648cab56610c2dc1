package com.secondheart.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.secondheart.launcher.JsonHttp;
import com.secondheart.launcher.ServiceProcess;
import com.secondheart.testsupport.TestServers;
import com.secondheart.testsupport.TestTokens;
import com.secondheart.testsupport.browser.Chromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The front desk on the real stack, in Debian's Chromium at 768 px (a tablet): packaged gateway, telemetry-service,
 * booking-service, one simulated unit and the ops-dashboard as processes on a real broker and database. Everything a
 * person does goes through the page, with the keyboard (Enter on buttons, Space on check boxes, typing in fields);
 * REST is used only to set the chain up (clinics, service, resource: a fleet admin's work) and to assert.
 *
 * <p>Time budget: the walk through the desk must finish within {@code sh.desk.budget-seconds} (180 s in CI), on top of
 * starting the five processes.
 */
class DeskInBrowserIT {

    private static final Path ROOT = Path.of(System.getProperty("sh.root", "..")).toAbsolutePath().normalize();
    private static final String PASSWORD = "desk-" + Long.toHexString(new SecureRandom().nextLong());
    private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("sh.desk.budget-seconds", 180));
    private static final int WIDTH = 768;

    @TempDir
    static Path work;

    private static FleetUnderTest fleet;
    private static ServiceProcess booking;
    private static ServiceProcess dashboard;
    private static final List<ChromeDriver> browsers = new ArrayList<>();
    private static String clinicA;
    private static String clinicB;
    private static String resourceId;
    private static String roomId;
    private static String serviceId;
    private static JsonHttp staffA;

    @BeforeAll
    static void startTheStackWithTwoClinicsAndTheirDesks() throws Exception {
        Chromium.requireBrowser();
        // 20x program time: a 5-minute compression session runs 15 s, long enough to see it in session on the desk.
        fleet = FleetUnderTest.startOnTestBroker("desk", 20, work);
        booking = fleet.startBooking("desk");
        clinicA = fleet.clinicId();
        clinicB = clinicA + "-other";
        serviceId = "compression5-" + clinicA.substring(clinicA.length() - 8);
        resourceId = "boots-" + clinicA.substring(clinicA.length() - 8);
        var admin = new JsonHttp(FleetUnderTest::systemTestToken);
        created(admin.post(booking.baseUrl() + "/clinics", Map.of("clinicId", clinicA, "name", "Harbour Test",
                "timeZone", "UTC", "openingHours", allDayEveryDay())), "clinic A");
        created(admin.post(booking.baseUrl() + "/clinics", Map.of("clinicId", clinicB, "name", "Riverside Test",
                "timeZone", "UTC", "openingHours", allDayEveryDay())), "clinic B");
        created(admin.post(booking.baseUrl() + "/services", Map.of("serviceId", serviceId, "name", "Compression 5",
                "resourceType", "BOOT_UNIT", "durationMinutes", 5, "bufferMinutes", 3, "programMode", "GRADIENT_SEQUENTIAL",
                "intensity", 3)), "service");
        created(admin.post(booking.baseUrl() + "/clinics/" + clinicA + "/resources", Map.of("resourceId", resourceId,
                "type", "BOOT_UNIT", "name", "Boots 1", "unitId", fleet.unitId())), "resource");
        roomId = "room-" + clinicA.substring(clinicA.length() - 8);
        created(admin.post(booking.baseUrl() + "/services", Map.of("serviceId", "massage30-" + clinicA.substring(clinicA.length() - 8),
                "name", "Massage 30", "resourceType", "MASSAGE_ROOM", "durationMinutes", 30)), "massage service");
        created(admin.post(booking.baseUrl() + "/clinics/" + clinicA + "/resources", Map.of("resourceId", roomId,
                "type", "MASSAGE_ROOM", "name", "Room 1")), "massage room");
        staffA = new JsonHttp(() -> TestTokens.clinicStaff(clinicA));

        var users = work.resolve("users.txt");
        Files.writeString(users, "desk.a:clinic-staff:" + clinicA + ":" + pbkdf2(PASSWORD) + "\n"
                + "desk.b:clinic-staff:" + clinicB + ":" + pbkdf2(PASSWORD) + "\n");
        var env = new HashMap<String, String>(FleetUnderTest.securityEnv());
        env.put("SH_GATEWAY_URL", fleet.gatewayUrl());
        env.put("SH_TELEMETRY_URL", fleet.telemetryUrl());
        env.put("SH_BOOKING_URL", booking.baseUrl());
        env.put("SH_MQTT_HOST", TestServers.mqttHost());
        env.put("SH_MQTT_PORT", Integer.toString(TestServers.mqttPort()));
        env.put("SH_DASHBOARD_SIGN_IN_USERS_FILE", users.toString());
        env.put("SH_DASHBOARD_POLL_INTERVAL", "1s");
        dashboard = ServiceProcess.start("ops-dashboard", ROOT.resolve("ops-dashboard/target/quarkus-app/quarkus-run.jar"),
                freePort(), env, fleet.logDir(), List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        dashboard.awaitReady(Duration.ofSeconds(90));
        fleet.awaitUnitOnline();
    }

    @AfterAll
    static void stopEverything() {
        browsers.forEach(browser -> {
            Chromium.printConsole(browser);
            browser.quit();
        });
        if (dashboard != null) {
            dashboard.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void staffBookTwoClientsBackToBackLoseARaceInPlainWordsCheckInMeasureAndNoOtherClinicSeesIt() {
        var started = Instant.now();
        assertTimeoutPreemptively(BUDGET, this::walkThroughTheDesk,
                () -> "the desk walk-through took longer than its budget of " + BUDGET.toSeconds() + " s");
        System.out.printf("DeskInBrowserIT: the desk walk-through took %d s (budget %d s)%n",
                Duration.between(started, Instant.now()).toSeconds(), BUDGET.toSeconds());
    }

    private void walkThroughTheDesk() throws Exception {
        var desk = signInToTheDesk("desk.a");
        var column = "[data-testid='desk-column-" + resourceId + "']";

        // 1. Two clients back to back on one unit, each new, screened and booked from a free slot.
        book(desk, column, "Ada Lovelace", true);
        book(desk, column, "Grace Hopper", true);
        var bookings = bookingsOfClinicA();
        assertEquals(2, bookings.size(), () -> "two bookings expected: " + bookings);
        assertEquals(resourceId, bookings.get(0).path("resourceId").asText());
        var first = bookings.get(0);
        var second = bookings.get(1);
        assertEquals(resourceId, second.path("resourceId").asText());
        assertFalse(Instant.parse(second.path("startsAt").asText()).isBefore(Instant.parse(first.path("heldUntil").asText())),
                () -> "the second booking starts inside the first one's cleaning buffer: " + bookings);
        desk.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-testid='booking-" + first.path("bookingId").asText() + "'] [data-testid=booking-buffer]")));

        // 2. Two desks open the same free slot and both confirm: one booking, the other told in plain words.
        var other = signInToTheDesk("desk.a");
        var slot = desk.first(By.cssSelector(column + " [data-testid=slot-" + resourceId + "]")).getAttribute("data-start");
        var sameSlot = By.cssSelector(column + " [data-testid=slot-" + resourceId + "][data-start='" + slot + "']");
        desk.press(sameSlot);
        newClient(desk, "Alan Turing");
        screenClear(desk);
        other.press(sameSlot);
        other.type(By.cssSelector("[data-testid=client-search]"), "Grace");
        other.press(By.cssSelector("[data-testid=choose-client]"));
        other.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-testid=confirm-booking]")));
        desk.press(By.cssSelector("[data-testid=confirm-booking]"));
        desk.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("[data-testid=desk-dialog] [data-testid=confirm-booking]")));
        other.press(By.cssSelector("[data-testid=confirm-booking]"));
        other.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=dialog-error]"), "no longer free"));
        assertFalse(other.browser.findElements(By.cssSelector("[data-testid=next-slot]")).isEmpty(),
                "the desk that lost the slot is offered no next free times");
        var atThatSlot = bookingsOfClinicA().stream().filter(b -> b.path("startsAt").asText().equals(slot)).toList();
        assertEquals(1, atThatSlot.size(), () -> "exactly one booking at " + slot + ": " + atThatSlot);
        axe(other, "the booking dialog after a lost slot");
        other.press(By.cssSelector("[data-testid=dialog-close]"));

        // 2b. Reschedule the second client to a later free time; cancel the third, with the window rule shown.
        var secondId = second.path("bookingId").asText();
        desk.press(By.cssSelector("[data-testid='booking-" + secondId + "'] [data-testid=reschedule]"));
        var later = desk.browser.findElements(By.cssSelector(column + " [data-testid=slot-" + resourceId + "]"));
        var target = later.get(later.size() - 1).getAttribute("data-start");
        desk.press(By.cssSelector(column + " [data-testid=slot-" + resourceId + "][data-start='" + target + "']"));
        desk.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=desk-announce]"), "moved to"));
        assertEquals(target, staffA.get(booking.baseUrl() + "/bookings/" + secondId).body().path("startsAt").asText());
        var thirdId = atThatSlot.get(0).path("bookingId").asText();
        desk.press(By.cssSelector("[data-testid='booking-" + thirdId + "'] [data-testid=cancel]"));
        desk.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=cancel-rule]"), "recorded as late"));
        desk.press(By.cssSelector("[data-testid=confirm-cancel]"));
        desk.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("[data-testid='booking-" + thirdId + "']")));
        var cancelled = staffA.get(booking.baseUrl() + "/bookings/" + thirdId).body();
        assertEquals("CANCELLED", cancelled.path("status").asText());
        assertEquals("INSIDE_WINDOW", cancelled.path("cancellation").asText());

        // 2c. A massage: no screening, checked in and completed at the desk.
        desk.type(By.cssSelector("[data-testid=desk-service]"), "Massage");
        var roomColumn = "[data-testid='desk-column-" + roomId + "']";
        desk.press(By.cssSelector(roomColumn + " [data-testid=slot-" + roomId + "]"));
        desk.type(By.cssSelector("[data-testid=client-search]"), "Ada");
        desk.press(By.cssSelector("[data-testid=choose-client]"));
        desk.press(By.cssSelector("[data-testid=confirm-booking]"));
        desk.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=desk-announce]"), "Booked Ada Lovelace"));
        desk.press(By.cssSelector(roomColumn + " [data-testid=check-in]"));
        desk.press(By.cssSelector(roomColumn + " [data-testid=complete]"));
        desk.until(ExpectedConditions.attributeToBe(By.cssSelector(roomColumn + " .desk-block"), "data-status", "COMPLETED"));

        // 3. The first client is checked in: the unit starts, the block shows the session running, then completed.
        var firstId = first.path("bookingId").asText();
        var block = By.cssSelector("[data-testid='booking-" + firstId + "']");
        desk.press(By.cssSelector("[data-testid='booking-" + firstId + "'] [data-testid=check-in]"));
        desk.until(ExpectedConditions.attributeToBe(block, "data-status", "IN_SESSION"));
        desk.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid='booking-" + firstId + "'] [data-testid=booking-clock]")));
        // The README's picture: the desk from its top, the session running
        ((JavascriptExecutor) desk.browser).executeScript("document.querySelector('[data-testid=desk]').scrollIntoView();");
        Chromium.screenshot(desk.browser, "desk.png");
        desk.until(ExpectedConditions.attributeToBe(block, "data-status", "COMPLETED"));
        assertEquals("COMPLETED", staffA.get(booking.baseUrl() + "/bookings/" + firstId).body().path("status").asText());

        // 4. Measurements before and after, both legs, circumferences every 4 cm from the ankle.
        desk.press(By.cssSelector("[data-testid='booking-" + firstId + "'] [data-testid=measure]"));
        desk.type(By.cssSelector("[data-testid=measure-LEFT-before]"), "23.2 27.9 33.7 36.3 38.8");
        desk.type(By.cssSelector("[data-testid=measure-LEFT-after]"), "22.1 26.4 32.2 35.1 38.0");
        desk.type(By.cssSelector("[data-testid=measure-RIGHT-before]"), "23.5 28.4 34.1 36.6 39.2");
        desk.type(By.cssSelector("[data-testid=measure-RIGHT-after]"), "23.4 28.3 34.0 36.6 39.1");
        desk.press(By.cssSelector("[data-testid=save-measurements]"));
        desk.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=measure-result]")));
        assertEquals("Yes", desk.first(By.cssSelector("[data-testid=measure-leg-LEFT] [data-testid=measure-meaningful]")).getText());
        assertTrue(desk.first(By.cssSelector("[data-testid=measure-leg-RIGHT] [data-testid=measure-meaningful]")).getText().startsWith("No"));
        var outcomes = staffA.get(fleet.telemetryUrl() + "/outcomes?clinicId=" + clinicA);
        assertEquals(1, outcomes.body().size(), () -> "one outcome recorded: " + outcomes.body());
        assertEquals(firstId, outcomes.body().get(0).path("bookingId").asText());
        desk.press(By.cssSelector("[data-testid=dialog-close]"));

        // 4b. The client's messages open from the booking (keyboard, labelled). Ada gave no phone and no consent, so
        // nothing was sent to her and the desk says why it cannot write to her; the dialog passes the same axe check.
        // (Added with the conversation panel on branch deskmsg; written without being run, see notes/deskmsg.md.)
        desk.press(By.cssSelector("[data-testid='booking-" + firstId + "'] [data-testid=messages]"));
        desk.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=desk-dialog] [data-testid=conversation-empty]")));
        desk.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=desk-dialog] [data-testid=reply-closed]")));
        axe(desk, "the conversation dialog");
        desk.press(By.cssSelector("[data-testid=dialog-close]"));
        axe(desk, "the Desk view");

        // 5. The outcome appears in the Outcomes tab.
        desk.press(By.cssSelector("[data-testid=nav-outcomes]"));
        desk.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=outcome-n]")));

        // 6. Staff of another clinic see none of it.
        var elsewhere = signInToTheDesk("desk.b");
        elsewhere.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid=desk]"), "data-clinic-id", clinicB));
        ((JavascriptExecutor) elsewhere.browser).executeScript("location.hash = '#/desk/" + clinicA + "';");
        elsewhere.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid=desk]"), "data-clinic-id", clinicB));
        var page = elsewhere.browser.getPageSource();
        for (var name : List.of("Ada Lovelace", "Grace Hopper", "Alan Turing", firstId)) {
            assertFalse(page.contains(name), "another clinic's desk shows " + name);
        }
        var foreign = new JsonHttp(() -> TestTokens.clinicStaff(clinicB))
                .get(dashboard.baseUrl() + "/api/desk/clinics/" + clinicA + "/day");
        assertEquals(403, foreign.status(), () -> "another clinic's day: " + foreign.body());
    }

    // --- the steps a person takes on the page --------------------------------------------------------------------

    private Desk signInToTheDesk(String username) {
        var browser = Chromium.start(WIDTH, 1100);
        browsers.add(browser);
        var desk = new Desk(browser);
        browser.get(dashboard.baseUrl() + "/");
        desk.type(By.cssSelector("[data-testid=sign-in-username]"), username);
        desk.type(By.cssSelector("[data-testid=sign-in-password]"), PASSWORD + Keys.ENTER);
        desk.press(By.cssSelector("[data-testid=nav-desk]"));
        // the day is read (a clinic without resources has no grid, only a sentence)
        desk.until(driver -> !driver.findElements(By.cssSelector("[data-testid=desk]:not([data-date=''])")).isEmpty());
        return desk;
    }

    private static void book(Desk desk, String column, String name, boolean newClient) {
        desk.press(By.cssSelector(column + " [data-testid=slot-" + resourceId + "]"));
        if (newClient) {
            newClient(desk, name);
            screenClear(desk);
        }
        desk.press(By.cssSelector("[data-testid=confirm-booking]"));
        desk.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=desk-announce]"), "Booked " + name));
        desk.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(column), name));
    }

    private static void newClient(Desk desk, String name) {
        desk.type(By.cssSelector("[data-testid=new-client-name]"), name);
        desk.press(By.cssSelector("[data-testid=create-client]"));
    }

    /** The screening with every question answered no, after ticking and unticking one to see the rule explained. */
    private static void screenClear(Desk desk) {
        var dvt = By.cssSelector("[data-testid=screening-DVT]");
        desk.until(ExpectedConditions.elementToBeClickable(dvt)).sendKeys(Keys.SPACE);
        desk.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=screening-rule]"),
                "Compression must not be given"));
        desk.until(ExpectedConditions.elementToBeClickable(dvt)).sendKeys(Keys.SPACE);
        desk.press(By.cssSelector("[data-testid=save-screening]"));
    }

    /** axe-core (vendored in test resources, 4.10.2) on the page as it stands: no serious or critical violation. */
    private static void axe(Desk desk, String what) throws IOException {
        String source;
        try (InputStream in = DeskInBrowserIT.class.getResourceAsStream("/axe/axe.min.js")) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        var js = (JavascriptExecutor) desk.browser;
        js.executeScript(source);
        @SuppressWarnings("unchecked")
        var violations = (List<Map<String, Object>>) js.executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "axe.run(document, { resultTypes: ['violations'] }).then(function (r) {"
                        + "  done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })"
                        + "    .map(function (v) { return { id: v.id, impact: v.impact, help: v.help,"
                        + "      targets: v.nodes.map(function (n) { return String(n.target); }).slice(0, 5) }; }));"
                        + "}, function (e) { done([{ id: 'axe-failed', help: String(e) }]); });");
        assertEquals(List.of(), violations, () -> "axe found serious violations on " + what);
    }

    /** One browser on the page, with the waits and keyboard actions the steps use. */
    private static final class Desk {
        final ChromeDriver browser;
        final WebDriverWait wait;

        Desk(ChromeDriver browser) {
            this.browser = browser;
            browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            this.wait = new WebDriverWait(browser, Duration.ofSeconds(40));
            // a redrawn element, or one being re-rendered (a service chosen, a slot list refreshed) for a moment: look again
            wait.ignoring(StaleElementReferenceException.class);
            wait.ignoring(org.openqa.selenium.ElementNotInteractableException.class);
        }

        <T> T until(java.util.function.Function<? super org.openqa.selenium.WebDriver, T> condition) {
            return wait.until(condition);
        }

        WebElement first(By by) {
            return until(ExpectedConditions.presenceOfElementLocated(by));
        }

        /** Enter on a button or link, as a keyboard user would press it. */
        void press(By by) {
            until(driver -> {
                var element = ExpectedConditions.elementToBeClickable(by).apply(driver);
                if (element == null) {
                    return null;
                }
                element.sendKeys(Keys.ENTER);
                return true;
            });
        }

        void type(By by, String text) {
            until(driver -> {
                var element = ExpectedConditions.elementToBeClickable(by).apply(driver);
                if (element == null) {
                    return null;
                }
                element.sendKeys(text);
                return true;
            });
        }
    }

    // --- REST, to set up and to assert -----------------------------------------------------------------------------

    private static List<JsonNode> bookingsOfClinicA() throws Exception {
        var today = LocalDate.now(ZoneOffset.UTC);
        var reply = staffA.get(booking.baseUrl() + "/bookings?clinicId=" + clinicA + "&from=" + today + "&to=" + today.plusDays(1));
        assertEquals(200, reply.status(), () -> "bookings: " + reply.body());
        var list = new ArrayList<JsonNode>();
        reply.body().forEach(b -> {
            if (!"CANCELLED".equals(b.path("status").asText())) {
                list.add(b);
            }
        });
        list.sort((x, y) -> x.path("startsAt").asText().compareTo(y.path("startsAt").asText()));
        return list;
    }

    private static List<Map<String, String>> allDayEveryDay() {
        var hours = new ArrayList<Map<String, String>>();
        for (var day : EnumSet.allOf(java.time.DayOfWeek.class)) {
            hours.add(new LinkedHashMap<>(Map.of("day", day.name(), "opens", "00:00", "closes", "23:59")));
        }
        return hours;
    }

    private static JsonNode created(JsonHttp.Reply reply, String what) {
        assertTrue(reply.ok(), () -> what + ": HTTP " + reply.status() + " " + reply.body());
        return reply.body();
    }

    private static String pbkdf2(String password) throws GeneralSecurityException {
        var salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        var hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 10_000, 512)).getEncoded();
        return "PBKDF2$sha512$10000$" + java.util.Base64.getEncoder().encodeToString(salt) + "$"
                + java.util.Base64.getEncoder().encodeToString(hash);
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
