package com.secondheart.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.secondheart.testsupport.browser.Chromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet as its users use it: the real launcher, as {@code ./fleet} starts it (embedded PostgreSQL and HiveMQ, the
 * demo clinics and units, the desk that books and checks clients in), and the dashboard open in Chromium for at
 * least {@code sh.acceptance.minutes} (3) while sessions run:
 *
 * <ul>
 *   <li>{@code ops} on the overview, {@code fleet.admin} on a clinic page (the waveforms; acknowledging a fault is a
 *   command, which operations may not send), {@code harbour.desk} on the overview and on Harbour's page;</li>
 *   <li>no page ever loses its live stream (the page counts every stream error and every gap in the event ids);</li>
 *   <li>every tile's state is the gateway's; today's bookings and utilization are filled in and are booking's;
 *   sessions complete and are in telemetry; the waveform draws; a fault reaches the alarm feed and acknowledging
 *   it clears the unit; {@code harbour.desk} never sees another clinic's unit, booking or pressure;</li>
 *   <li>device-gateway, then booking-service, killed mid-run, come back (the launcher supervises them) and no event
 *   is lost: each unit's journal runs 1..N per boot with no gap and no repeat;</li>
 *   <li>no log the launcher writes has an ERROR line or a stack trace, at the levels {@code ./fleet} ships;</li>
 *   <li>SIGTERM stops everything and frees every port.</li>
 * </ul>
 *
 * The hour-long variant: {@code bench/fleet-acceptance.sh} (the same test with {@code -Dsh.acceptance.minutes=60}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetAcceptanceIT {

    private static final Duration RUN = Duration.ofMinutes(Long.getLong("sh.acceptance.minutes", 3));
    private static final Path WORK = Path.of("target", "fleet-acceptance").toAbsolutePath();
    private static final Set<String> HARBOUR_UNITS = Set.of("unit-hb-01", "unit-hb-02", "unit-hb-03", "unit-hb-04");
    private static final Map<String, String> ZONES = Map.of("harbour", "Europe/London", "riverside", "America/New_York",
            "alpine", "Europe/Zurich");
    private static final Pattern STACK_LINE = Pattern.compile("^\\s+at [\\w$.]+\\(.*\\)$|^Caused by: |^\\S+(Exception|Error): .*$");
    private static final Pattern ERROR_LINE = Pattern.compile("\\bERROR\\b");

    private static LaunchedFleet fleet;
    private static ChromeDriver opsBrowser;
    private static ChromeDriver adminBrowser;
    private static ChromeDriver deskBrowser;
    private static String opsToken;
    private static final List<String> deskTabs = new ArrayList<>();
    private static Instant runStarted;

    @BeforeAll
    static void launchTheFleetAndOpenTheDashboardAsEachRole() throws Exception {
        Chromium.requireBrowser();
        deleteRecursively(WORK);
        Files.createDirectories(WORK);
        // The demo's faults (one every 4 minutes) clear themselves after 20 s: here a person acknowledges them.
        fleet = LaunchedFleet.start(WORK.resolve("fleet-data"), WORK.resolve("launcher-output.log"),
                Map.of("SH_FLEET_FAULT_AUTO_ACKNOWLEDGE_AFTER", "10m"));
        fleet.awaitReady(Duration.ofMinutes(5));
        opsToken = fleet.signIn("ops");

        opsBrowser = Chromium.start();
        signIn(opsBrowser, "ops", "#/");
        adminBrowser = Chromium.start();
        signIn(adminBrowser, "fleet.admin", "#/clinic/riverside");
        deskBrowser = Chromium.start();
        signIn(deskBrowser, "harbour.desk", "#/");
        deskTabs.add(deskBrowser.getWindowHandle());
        deskBrowser.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        // sessionStorage is per tab: the second tab signs in on its own.
        signIn(deskBrowser, "harbour.desk", "#/clinic/harbour");
        deskTabs.add(deskBrowser.getWindowHandle());
        runStarted = Instant.now();
    }

    @AfterAll
    static void closeEverything() {
        for (var browser : new ChromeDriver[] {opsBrowser, adminBrowser, deskBrowser}) {
            if (browser != null) {
                browser.quit();
            }
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    @Order(1)
    void whileSessionsRunEveryPageStaysLiveAndEveryNumberIsTheServicesOwn() {
        // A third of the run as it should be, then the gateway killed; a third, then booking-service killed; a third.
        var third = RUN.dividedBy(3);
        everythingHoldsFor(third);
        killAndAwaitReturn("device-gateway", "GATEWAY");
        tilesAgreeAgainAfterARestart();
        everythingHoldsFor(third);
        killAndAwaitReturn("booking-service", "BOOKING");
        tilesAgreeAgainAfterARestart();
        everythingHoldsFor(third);
    }

    /** A restarted service answers slowly at first (a cold JVM on a busy machine): the page catches up within a minute. */
    private static void tilesAgreeAgainAfterARestart() {
        await("the page shows the gateway's states again").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions().untilAsserted(() -> tilesAgreeWithTheGateway(opsBrowser, null));
    }

    /** Checked every ten seconds for the whole of {@code duration}: the first failed check fails the test. */
    private static void everythingHoldsFor(Duration duration) {
        var end = Instant.now().plus(duration);
        var checks = new java.util.concurrent.atomic.AtomicInteger();
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        await("every page live, every tile the gateway's, harbour.desk seeing Harbour only")
                .atMost(duration.plusMinutes(3)).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(10))
                .until(() -> {
                    try {
                        everyPageIsLive();
                        tilesAgreeWithTheGateway(opsBrowser, null);
                        harbourDeskSeesHarbourOnly();
                        checks.incrementAndGet();
                    } catch (AssertionError | RuntimeException failed) {
                        failure.set(failed);
                        return true;
                    }
                    return Instant.now().isAfter(end);
                });
        if (failure.get() instanceof AssertionError failed) {
            throw failed;
        }
        if (failure.get() instanceof RuntimeException failed) {
            throw failed;
        }
        assertTrue(checks.get() >= 2, "checked " + checks.get() + " times");
    }

    @Test
    @Order(2)
    void sessionsCompleteAndCheckedInBookingsCompleteWithThem() throws Exception {
        // The demo's shortest service is booking-service's shortest, 5 minutes on the wall clock.
        var booked = new ArrayList<String>();
        await("a booked session completed in telemetry").atMost(Duration.ofMinutes(7)).pollInterval(Duration.ofSeconds(5))
                .untilAsserted(() -> {
                    booked.clear();
                    for (var session : fleet.get("TELEMETRY", "/sessions?outcome=COMPLETED&size=200", opsToken)) {
                        var bookingId = session.path("bookingId").asText("");
                        if (!bookingId.isEmpty() && !"null".equals(bookingId)) {
                            booked.add(bookingId);
                        }
                    }
                    assertFalse(booked.isEmpty(), "some completed sessions served a booking (the desk checks clients in)");
                });
        for (var bookingId : booked.subList(0, Math.min(5, booked.size()))) {
            await("booking " + bookingId + " completed with its session").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertEquals("COMPLETED",
                            fleet.get("BOOKING", "/bookings/" + LaunchedFleet.encode(bookingId), opsToken).path("status").asText()));
        }
    }

    @Test
    @Order(4)
    void theClinicPageDrawsTheUnitsPressures() throws Exception {
        // The demo desk books Riverside's units at random (gaps of up to 6 minutes, one client in ten a no-show), so
        // the page may have seen no session yet: then fleet.admin starts one on an idle Riverside unit, as a person may.
        if (maxSamplesOnTheClinicPage() < 5 && !gatewayStates("riverside").containsValue("IN_SESSION")) {
            var idle = gatewayStates("riverside").entrySet().stream().filter(unit -> "ONLINE".equals(unit.getValue()))
                    .map(Map.Entry::getKey).sorted().findFirst();
            if (idle.isPresent()) {
                fleet.post("GATEWAY", "/units/" + idle.get() + "/commands", Map.of("type", "start-session",
                        "start", Map.of("mode", "PULSE", "intensity", 3, "durationMinutes", 5)), fleet.signIn("fleet.admin"));
            }
        }
        await("a waveform on the Riverside page drew at least five seconds").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertTrue(maxSamplesOnTheClinicPage() >= 5,
                        "samples drawn: " + maxSamplesOnTheClinicPage() + "; Riverside's units: " + gatewayStates("riverside")));
    }

    private static int maxSamplesOnTheClinicPage() {
        return ((Number) ((JavascriptExecutor) adminBrowser).executeScript(
                "var max = 0; document.querySelectorAll('[data-samples]').forEach(function (n) {"
                        + " max = Math.max(max, Number(n.getAttribute('data-samples'))); }); return max;")).intValue();
    }

    @Test
    @Order(5)
    void aFaultReachesTheAlarmFeedAndAcknowledgingItClearsTheUnit() {
        var wait = new WebDriverWait(adminBrowser, Duration.ofMinutes(3));
        wait.ignoring(StaleElementReferenceException.class);
        adminBrowser.get(fleet.dashboardUrl() + "/#/");
        wait.until(driver -> driver.findElements(By.cssSelector("[data-testid='alarm'][data-status='ACTIVE']")).stream()
                .anyMatch(alarm -> alarm.getText().startsWith("Fault")));
        var alarm = adminBrowser.findElements(By.cssSelector("[data-testid='alarm'][data-status='ACTIVE']")).stream()
                .filter(found -> found.getText().startsWith("Fault")).findFirst().orElseThrow();
        var alarmId = alarm.getAttribute("data-alarm-id");
        var unitId = alarm.getAttribute("data-unit-id");
        new WebDriverWait(opsBrowser, Duration.ofSeconds(15)).ignoring(StaleElementReferenceException.class).until(driver ->
                "FAULTED".equals(driver.findElement(By.cssSelector("[data-unit-id='" + unitId + "']")).getAttribute("data-state"))
                        && driver.getTitle().startsWith("("));

        alarm.findElement(By.cssSelector("[data-testid='acknowledge']")).click();

        wait.until(driver -> "RESOLVED".equals(driver.findElement(By.cssSelector("[data-alarm-id='" + alarmId + "']")).getAttribute("data-status")));
        new WebDriverWait(opsBrowser, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class).until(driver ->
                !"FAULTED".equals(driver.findElement(By.cssSelector("[data-unit-id='" + unitId + "']")).getAttribute("data-state")));
    }

    @Test
    @Order(6)
    void noEventWasLostOrDoubledThroughTheKills() throws Exception {
        var seqs = new TreeMap<String, List<Long>>();
        var after = 0L;
        while (true) {
            var page = fleet.get("GATEWAY", "/events?after=" + after + "&limit=1000", opsToken);
            for (var event : page) {
                after = Math.max(after, event.path("journalPosition").asLong());
                var unit = event.path("event");
                seqs.computeIfAbsent(unit.path("unitId").asText() + " boot " + unit.path("bootSeq").asLong(), key -> new ArrayList<>())
                        .add(unit.path("seq").asLong());
            }
            if (page.size() < 1000) {
                break;
            }
        }
        assertFalse(seqs.isEmpty());
        seqs.forEach((unitBoot, list) -> {
            var sorted = list.stream().sorted().toList();
            assertEquals(new HashSet<>(sorted).size(), sorted.size(), unitBoot + " has an event twice");
            for (var i = 1; i < sorted.size(); i++) {
                assertEquals(sorted.get(i - 1) + 1, sorted.get(i), unitBoot + " misses an event before seq " + sorted.get(i));
            }
        });
    }

    @Test
    @Order(7)
    void noLogHasAnErrorLineOrAStackTrace() throws IOException {
        var findings = logFindings();
        assertTrue(findings.isEmpty(), "ERROR lines or stack traces in the fleet's logs:\n" + String.join("\n", findings));
    }

    @Test
    @Order(8)
    void sigtermStopsEverythingInOrderAndFreesEveryPort() throws Exception {
        var launcher = fleet.process();
        var children = launcher.descendants().toList();
        launcher.destroy();
        assertTrue(launcher.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the launcher stopped within two minutes");
        await("every process the launcher started is gone").atMost(Duration.ofSeconds(30))
                .until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
        await("every port is free").atMost(Duration.ofSeconds(30)).until(fleet::portsFree);
        var findings = logFindings();
        assertTrue(findings.isEmpty(), "stopping wrote ERROR lines or stack traces:\n" + String.join("\n", findings));
    }

    // --- what the pages show -------------------------------------------------------------------------------------

    private static void signIn(ChromeDriver browser, String user, String route) throws Exception {
        browser.get(fleet.dashboardUrl() + "/" + route);
        var wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(driver -> driver.findElement(By.cssSelector("[data-testid='sign-in-username']")).isDisplayed());
        browser.findElement(By.cssSelector("[data-testid='sign-in-username']")).sendKeys(user);
        browser.findElement(By.cssSelector("[data-testid='sign-in-password']")).sendKeys(fleet.password(user));
        browser.findElement(By.cssSelector("[data-testid='sign-in-submit']")).click();
        wait.until(driver -> !driver.findElements(By.cssSelector("[data-unit-id]")).isEmpty());
    }

    private static void everyPageIsLive() {
        var pages = new ArrayList<String>();
        pages.add(liveState(opsBrowser, "ops overview"));
        pages.add(liveState(adminBrowser, "fleet.admin clinic page"));
        for (var tab : deskTabs) {
            deskBrowser.switchTo().window(tab);
            pages.add(liveState(deskBrowser, "harbour.desk tab " + tab));
        }
        for (var page : pages) {
            assertTrue(page.contains("errors=0 gaps=0"), "a page lost its live stream: " + page);
        }
    }

    @SuppressWarnings("unchecked")
    private static String liveState(ChromeDriver browser, String name) {
        var live = (Map<String, Object>) ((JavascriptExecutor) browser).executeScript("return window.shLive;");
        return name + ": errors=" + live.get("errors") + " gaps=" + live.get("gaps") + " events=" + live.get("events")
                + " connections=" + live.get("connections") + " lastError=" + live.get("lastError");
    }

    /** Every tile's state is the gateway's, give or take the few seconds a change takes to arrive. */
    private static void tilesAgreeWithTheGateway(ChromeDriver browser, String clinicId) {
        await("the tiles show the gateway's states").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1))
                .ignoreException(StaleElementReferenceException.class).untilAsserted(() -> {
                    var gateway = gatewayStates(clinicId);
                    assertEquals(gateway, tileStates(browser));
                    var running = gateway.values().stream().filter("IN_SESSION"::equals).count();
                    assertEquals(String.valueOf(running), text(browser, "[data-testid='fleet-state-IN_SESSION']"),
                            "the running count is the gateway's");
                });
    }

    private static Map<String, String> gatewayStates(String clinicId) throws Exception {
        var units = fleet.get("GATEWAY", "/units?size=200" + (clinicId == null ? "" : "&clinicId=" + clinicId), opsToken);
        var states = new HashMap<String, String>();
        for (JsonNode unit : units) {
            if (unit.path("active").asBoolean(true)) {
                states.put(unit.path("unitId").asText(), unit.path("state").asText());
            }
        }
        return states;
    }

    @SuppressWarnings("unchecked")
    private static void harbourDeskSeesHarbourOnly() {
        for (var tab : deskTabs) {
            deskBrowser.switchTo().window(tab);
            for (var unitId : tileStates(deskBrowser).keySet()) {
                assertTrue(HARBOUR_UNITS.contains(unitId), "harbour.desk sees " + unitId);
            }
            var clinics = (List<String>) ((JavascriptExecutor) deskBrowser).executeScript(
                    "return Array.from(document.querySelectorAll('section[data-clinic-id]')).map(function (n) { return n.getAttribute('data-clinic-id'); });");
            clinics.forEach(clinic -> assertEquals("harbour", clinic, "harbour.desk sees clinic " + clinic));
            var pressures = (Map<String, Object>) ((JavascriptExecutor) deskBrowser).executeScript("return window.shLive.pressureClinics;");
            pressures.forEach((unit, clinic) -> assertEquals("harbour", clinic, "harbour.desk was sent " + unit + "'s pressures"));
        }
    }

    /** Every tile's unit and state, read in one go: the page redraws itself while the test looks. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> tileStates(WebDriver browser) {
        var pairs = (List<List<String>>) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('article[data-unit-id]')).map(function (n) {"
                        + " return [n.getAttribute('data-unit-id'), n.getAttribute('data-state')]; });");
        var states = new HashMap<String, String>();
        pairs.forEach(pair -> states.put(pair.get(0), pair.get(1)));
        return states;
    }

    private static String text(WebDriver browser, String css) {
        return browser.findElement(By.cssSelector(css)).getText().trim();
    }

    // --- faults --------------------------------------------------------------------------------------------------

    private static void killAndAwaitReturn(String module, String port) {
        var process = fleet.service(module).orElseThrow(() -> new AssertionError(module + " is not running"));
        process.destroyForcibly();
        await(module + " killed").atMost(Duration.ofSeconds(20)).until(() -> !process.isAlive());
        await(module + " back, restarted by the launcher").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> fleet.ready(port) && fleet.service(module).isPresent());
        assertTrue(launcherSaid(module + " ") , "the launcher said why it restarted " + module);
    }

    private static boolean launcherSaid(String module) {
        try {
            for (var log : fleet.logs()) {
                if (Files.readAllLines(log).stream().anyMatch(line -> line.contains(module) && line.contains("restarting"))) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // --- booking's numbers ---------------------------------------------------------------------------------------

    private static long bookingsTodayUnchecked(String clinicId) {
        try {
            return bookingsToday(clinicId);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Bookings not cancelled that start in the clinic's local day, as the dashboard counts them. */
    private static long bookingsToday(String clinicId) throws Exception {
        var zone = ZoneId.of(ZONES.get(clinicId));
        var today = LocalDate.now(zone);
        var start = today.atStartOfDay(zone).toInstant();
        var end = today.plusDays(1).atStartOfDay(zone).toInstant();
        var rows = fleet.get("BOOKING", "/bookings?clinicId=" + clinicId + "&from=" + LocalDate.ofInstant(start, ZoneOffset.UTC)
                + "&to=" + LocalDate.ofInstant(end.minusNanos(1), ZoneOffset.UTC) + "&size=500", opsToken);
        var count = 0L;
        for (var row : rows) {
            var startsAt = Instant.parse(row.path("startsAt").asText());
            if (!"CANCELLED".equals(row.path("status").asText()) && !startsAt.isBefore(start) && startsAt.isBefore(end)) {
                count++;
            }
        }
        return count;
    }

    // --- logs ----------------------------------------------------------------------------------------------------

    private static List<String> logFindings() throws IOException {
        var findings = new ArrayList<String>();
        for (var log : fleet.logs()) {
            var lines = Files.readAllLines(log);
            for (var i = 0; i < lines.size(); i++) {
                var line = lines.get(i);
                if (ERROR_LINE.matcher(line).find() || STACK_LINE.matcher(line).find()) {
                    findings.add(log.getFileName() + ":" + (i + 1) + ": " + line);
                }
            }
        }
        return findings.size() > 60 ? findings.subList(0, 60) : findings;
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var files = Files.walk(path)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }
}
