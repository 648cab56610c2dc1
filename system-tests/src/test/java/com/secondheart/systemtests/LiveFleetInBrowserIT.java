package com.secondheart.systemtests;

import com.secondheart.launcher.ServiceProcess;
import com.secondheart.testsupport.TestServers;
import com.secondheart.testsupport.browser.Chromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real stack in Debian's Chromium: the packaged gateway, telemetry-service, one simulated edge-agent unit and the
 * packaged ops-dashboard as processes, on a real broker and database. An operator signs in, a start-session command
 * goes through the gateway to the unit, and the unit's tile turns from idle to running on the open page, without a
 * reload; its clinic's page then draws the unit's own pressures as the gateway hands them on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveFleetInBrowserIT {

    private static final Path ROOT = Path.of(System.getProperty("sh.root", "..")).toAbsolutePath().normalize();
    private static final String PASSWORD = "live-fleet-" + Long.toHexString(new SecureRandom().nextLong());

    @TempDir
    static Path work;

    private static FleetUnderTest fleet;
    private static ServiceProcess dashboard;
    private static ChromeDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void startTheFleetTheDashboardAndChromium() throws Exception {
        Chromium.requireBrowser();
        fleet = FleetUnderTest.startOnTestBroker("browser", 10, work);
        var users = work.resolve("users.txt");
        Files.writeString(users, "ops:operations::" + pbkdf2(PASSWORD) + "\n"
                + "admin:fleet-admin::" + pbkdf2(PASSWORD) + "\n");
        var env = new HashMap<String, String>(FleetUnderTest.securityEnv());
        env.put("SH_GATEWAY_URL", fleet.gatewayUrl());
        env.put("SH_TELEMETRY_URL", fleet.telemetryUrl());
        env.put("SH_BOOKING_URL", "http://127.0.0.1:" + freePort());
        env.put("SH_MQTT_HOST", TestServers.mqttHost());
        env.put("SH_MQTT_PORT", Integer.toString(TestServers.mqttPort()));
        env.put("SH_DASHBOARD_SIGN_IN_USERS_FILE", users.toString());
        env.put("SH_DASHBOARD_POLL_INTERVAL", "1s");
        dashboard = ServiceProcess.start("ops-dashboard", ROOT.resolve("ops-dashboard/target/quarkus-app/quarkus-run.jar"),
                freePort(), env, Path.of("target", "it-logs", "browser-dashboard").toAbsolutePath(),
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        dashboard.awaitReady(Duration.ofSeconds(90));
        fleet.awaitUnitOnline();
        browser = Chromium.start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    static void stopEverything() {
        if (browser != null) {
            browser.quit();
        }
        if (dashboard != null) {
            dashboard.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    @Order(1)
    void anOperatorSeesTheUnitStartRunningOnTheOpenPageWhenTheGatewaySendsItAStartCommand() throws Exception {
        signIn("ops");
        var tile = By.cssSelector("[data-testid='unit-" + fleet.unitId() + "']");
        wait.until(ExpectedConditions.attributeToBe(tile, "data-state", "ONLINE"));
        ((JavascriptExecutor) browser).executeScript("window.__notReloaded = true;");

        fleet.startSession("bk-browser-1", 5);

        wait.until(ExpectedConditions.attributeToBe(tile, "data-state", "IN_SESSION"));
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return window.__notReloaded === true;"),
                "the page was reloaded");

        click(By.cssSelector("[data-testid='open-clinic-" + fleet.clinicId() + "']"));
        var waveform = By.cssSelector("[data-testid='waveform-" + fleet.unitId() + "']");
        wait.until(driver -> {
            var samples = driver.findElement(waveform).getAttribute("data-samples");
            return samples != null && Integer.parseInt(samples) >= 5;
        });
        Chromium.screenshot(browser, "dashboard-real-fleet.png");
    }

    @Test
    @Order(2)
    void aFleetAdminsEmergencyStopOnTheClinicPageVentsTheUnitAndRaisesItsAlarm() throws Exception {
        signIn("admin");
        browser.get(dashboard.baseUrl() + "/#/clinic/" + fleet.clinicId());
        var tile = By.cssSelector("[data-testid='unit-" + fleet.unitId() + "']");
        wait.until(ExpectedConditions.presenceOfElementLocated(tile));
        wait.until(driver -> !"OFFLINE".equals(driver.findElement(tile).getAttribute("data-state")));

        click(By.cssSelector("[data-testid='estop-" + fleet.unitId() + "']"));
        var confirmation = wait.until(ExpectedConditions.alertIsPresent());
        long confirmed = System.nanoTime();
        confirmation.accept();

        new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(20))
                .ignoring(StaleElementReferenceException.class)
                .until(ExpectedConditions.attributeToBe(tile, "data-state", "FAULTED"));
        // An upper bound of click-to-vent (the unit vents before it reports): dashboard, gateway, broker, unit, and
        // back through gateway, broker, dashboard and the page's stream. docs/benchmarks.md quotes it.
        System.out.printf("emergency stop: confirmed on the page to FAULTED on the page in %d ms%n",
                (System.nanoTime() - confirmed) / 1_000_000);
        var alarm = By.cssSelector("[data-testid=alarm][data-unit-id='" + fleet.unitId() + "'][data-status=ACTIVE]");
        wait.until(driver -> driver.findElements(alarm).stream()
                .anyMatch(found -> found.getText().contains("EMERGENCY_STOP")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=notice-action]"),
                "Emergency stop sent to unit " + fleet.unitId()));
        assertEquals("FAULTED", fleet.unitAtGateway().path("state").asText());
        assertTrue(fleet.journalOfUnit().stream().anyMatch(event -> "fault.raised".equals(event.path("type").asText())
                        && "EMERGENCY_STOP".equals(event.path("data").path("faultCode").asText())),
                "the gateway's journal holds the unit's EMERGENCY_STOP fault");
        Chromium.screenshot(browser, "dashboard-emergency-stop.png");
    }

    /** Signs out whoever is signed in (sessionStorage) and signs in as {@code username}. */
    private static void signIn(String username) {
        browser.get(dashboard.baseUrl() + "/");
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear();");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=sign-in-form]")));
        wait.until(driver -> {
            driver.findElement(By.cssSelector("[data-testid=sign-in-username]")).sendKeys(username);
            driver.findElement(By.cssSelector("[data-testid=sign-in-password]")).sendKeys(PASSWORD);
            return true;
        });
        click(By.cssSelector("[data-testid=sign-in-submit]"));
    }

    /** The page redraws live: a click that meets an element just replaced finds it again (nothing was clicked). */
    private static void click(By target) {
        wait.until(driver -> {
            driver.findElement(target).click();
            return true;
        });
    }

    /** The users-file form the fleet launcher writes: PBKDF2$sha512$iterations$salt$hash. */
    private static String pbkdf2(String password) throws GeneralSecurityException {
        var salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        var hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 10_000, 512)).getEncoded();
        return "PBKDF2$sha512$10000$" + Base64.getEncoder().encodeToString(salt) + "$" + Base64.getEncoder().encodeToString(hash);
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
