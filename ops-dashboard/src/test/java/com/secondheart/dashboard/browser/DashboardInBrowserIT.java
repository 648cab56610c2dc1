package com.secondheart.dashboard.browser;

import com.secondheart.dashboard.signin.TestUsers;
import com.secondheart.protocol.fleet.UnitState;
import com.secondheart.testsupport.browser.Chromium;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packaged dashboard in Debian's Chromium: sign in, watch the fleet change live over a real MQTT broker without a
 * reload, open a clinic and see a running unit's pressure waveform drawn as it arrives, acknowledge a fault. Saves the
 * screenshots the README shows (written to {@code target/screenshots/}; {@code docs/images/refresh.sh} copies them to
 * {@code docs/images/dashboard.png} and {@code docs/images/dashboard-clinic.png}).
 */
@QuarkusIntegrationTest
@WithTestResource(BrowserFleet.class)
class DashboardInBrowserIT {


    @TestHTTPResource("/")
    URL dashboard;

    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void openChromium() {
        browser = Chromium.start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        // The page redraws a clinic when it changes: an element found a moment ago may have been replaced.
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void closeChromium() {
        if (browser != null) {
            Chromium.printConsole(browser);
            browser.quit();
        }
    }

    @Test
    void anOperatorSignsInAndSeesAUnitStartRunningWithoutReloadingThePage() throws IOException {
        BrowserFleet.presence(BrowserFleet.HARBOUR, "unit-h1", UnitState.ONLINE);
        signIn(TestUsers.OPS);
        wait.until(ExpectedConditions.attributeToBe(unit("unit-h1"), "data-state", "ONLINE"));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=fleet-clinics]"), "3"));
        markThePage();

        BrowserFleet.presence(BrowserFleet.HARBOUR, "unit-h1", UnitState.IN_SESSION);

        wait.until(ExpectedConditions.attributeToBe(unit("unit-h1"), "data-state", "IN_SESSION"));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid='unit-unit-h1'] [data-testid=state-badge]"), "RUNNING"));
        assertThePageWasNotReloaded();
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("[data-testid=connection]"), "data-connection", "live"));
        screenshot("dashboard.png");
    }

    @Test
    void aClinicPageDrawsTheRunningUnitsPressureWaveformAsItArrives() throws IOException {
        signIn(TestUsers.OPS);
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-testid='open-clinic-clinic-harbour']"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=clinic-page]")));
        markThePage();
        BrowserFleet.presence(BrowserFleet.HARBOUR, "unit-h2", UnitState.IN_SESSION);

        BrowserFleet.pressures(BrowserFleet.HARBOUR, "unit-h2", "s-h2-live", 40);
        wait.until(driver -> samplesDrawn(driver, "unit-h2") >= 30);
        BrowserFleet.pressures(BrowserFleet.HARBOUR, "unit-h2", "s-h2-live", 1);

        var waveform = browser.findElement(By.cssSelector("[data-testid=waveform-unit-h2]"));
        assertThat(waveform.findElements(By.cssSelector("canvas")).size(), is(1));
        assertThat(waveform.getText(), containsString("L1"));
        assertThePageWasNotReloaded();
        screenshot("dashboard-clinic.png");
    }

    @Test
    void acknowledgingAFaultSendsAcknowledgeFaultToTheUnitAsTheSignedInPerson() {
        signIn(TestUsers.FLEET_ADMIN);
        var alarm = By.cssSelector("[data-testid=alarm][data-unit-id=unit-n3]");
        wait.until(ExpectedConditions.attributeToBe(alarm, "data-status", "ACTIVE"));
        var token = (String) ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('sh.dashboard.token')");

        wait.until(driver -> {
            driver.findElement(alarm).findElement(By.cssSelector("[data-testid=acknowledge]")).click();
            return true;
        });

        wait.until(ExpectedConditions.attributeToBe(alarm, "data-status", "ACKNOWLEDGED"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(alarm, "by fleet.admin"));
        assertThat(BrowserFleet.gateway().authorizations(), hasItem("POST /units/unit-n3/commands -> Bearer " + token));
    }

    @Test
    void clinicStaffSeeOnlyTheirClinicAndAnExpiredSignInReturnsToTheForm() {
        signIn(TestUsers.HARBOUR_DESK);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=clinic-clinic-harbour]")));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=fleet-clinics]"), "1"));
        assertThat(browser.findElements(By.cssSelector("[data-testid=clinic-clinic-north]")).size(), is(0));

        ((JavascriptExecutor) browser).executeScript("sessionStorage.setItem('sh.dashboard.token', 'not-a-token')");
        browser.navigate().refresh();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=sign-in-form]")));
    }

    @Test
    void deskStaffReadAClientsMessagesWithTheirDeliveryStateAndReplyByKeyboard() {
        signIn(TestUsers.HARBOUR_DESK);
        ((JavascriptExecutor) browser).executeScript("location.hash = '#/desk/clinic-harbour'");
        var messages = By.cssSelector("[data-testid='booking-b-msg'] [data-testid=messages]");
        wait.until(ExpectedConditions.elementToBeClickable(messages)).sendKeys(Keys.ENTER);

        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-testid=conversation-entry]"), 2));
        var entries = browser.findElements(By.cssSelector("[data-testid=conversation-entry]"));
        assertEquals("OUT", entries.get(0).getAttribute("data-direction"));
        assertEquals("Delivered", entries.get(0).findElement(By.cssSelector("[data-testid=conversation-status]")).getAttribute("textContent"));
        assertEquals("IN", entries.get(1).getAttribute("data-direction"));
        assertThat(entries.get(1).getText(), containsString("Can I bring my own towel?"));
        assertThat(browser.findElement(By.cssSelector("label[for=desk-reply]")).getText(), containsString("WhatsApp"));

        var reply = browser.switchTo().activeElement();
        browser.findElement(By.cssSelector("[data-testid=reply-text]")).sendKeys("Yes, bring one.");
        browser.switchTo().activeElement().sendKeys(Keys.TAB);
        assertEquals("send-reply", browser.switchTo().activeElement().getAttribute("data-testid"), () -> "focus after the reply box: " + reply);
        browser.switchTo().activeElement().sendKeys(Keys.ENTER);

        wait.until(driver -> BrowserFleet.booking().bodies().contains("POST /clients/c-1/conversation {\"text\":\"Yes, bring one.\"}"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=desk-announce]"), "on its way"));
        var token = (String) ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('sh.dashboard.token')");
        assertThat(BrowserFleet.booking().authorizations(), hasItem("POST /clients/c-1/conversation -> Bearer " + token));
    }

    @Test
    void aWalkInIsBookedInTwoPressesAndAMoveThatLostItsTimeOffersTheNextFreeOnes() {
        signIn(TestUsers.HARBOUR_DESK);
        ((JavascriptExecutor) browser).executeScript("location.hash = '#/desk/clinic-harbour'");

        // Walk-in: the unit is free now; one press opens the booking for now, the second books the screened client.
        press(By.cssSelector("[data-testid=walk-in-boots-h1]"));
        var choose = By.cssSelector("[data-testid=desk-dialog] [data-testid=choose-client]");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(choose, "Book Ada Lovelace now"));
        press(choose);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=desk-announce]"), "Booked Ada Lovelace"));
        assertThat(BrowserFleet.booking().bodies().stream().filter(b -> b.startsWith("POST /bookings ")).toList().toString(),
                containsString("\"clientId\":\"c-1\""));

        // A move whose time another desk took meanwhile: booking's 409, then the next free times, one press each.
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("[data-testid=desk-dialog]")));
        press(By.cssSelector("[data-testid='booking-b-msg'] [data-testid=reschedule]"));
        press(By.cssSelector("[data-testid=slot-boots-h1]"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=desk-announce]"), "Not moved"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=move-next-slots] [data-testid=move-next-slot]")));
        assertThat(browser.findElement(By.cssSelector("[data-testid=move-next-slot]")).getText(), containsString("instead"));
    }

    /**
     * Presses Enter on the element once it is clickable, looking it up again if the desk re-rendered it in between
     * (the live stream redraws the grid; a stale element is retried, never pressed twice: a stale press does nothing).
     */
    private void press(By locator) {
        wait.until(driver -> {
            var element = ExpectedConditions.elementToBeClickable(locator).apply(driver);
            if (element == null) {
                return false;
            }
            try {
                element.sendKeys(Keys.ENTER);
            } catch (org.openqa.selenium.ElementNotInteractableException stillInert) {
                // e.g. behind a dialog that is closing (the page makes everything else inert while one is open): no
                // key was delivered, so trying again presses once
                return false;
            }
            return true;
        });
    }

    @Test
    void deskStaffFileAMessageFromAnUnknownNumberUnderAClientByKeyboard() {
        signIn(TestUsers.HARBOUR_DESK);
        ((JavascriptExecutor) browser).executeScript("location.hash = '#/desk/clinic-harbour'");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-testid=desk-inbox]"))).sendKeys(Keys.ENTER);

        var entry = By.cssSelector("[data-testid=inbox-entry][data-inbound-id=in-1]");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(entry, "Do you have time on Saturday?"));
        assertThat(browser.findElement(By.cssSelector("label[for=desk-inbox-client-in-1]")).getText(), containsString("File under client"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=inbox-client]"), "Ada Lovelace"));
        browser.findElement(By.cssSelector("[data-testid=inbox-client]")).sendKeys("Ada");
        browser.switchTo().activeElement().sendKeys(Keys.TAB);
        browser.switchTo().activeElement().sendKeys(Keys.ENTER);

        wait.until(driver -> BrowserFleet.booking().bodies().contains("POST /clinics/clinic-harbour/inbox/in-1/assign {\"clientId\":\"c-1\"}"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=inbox-empty]")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=desk-announce]"), "Ada Lovelace's conversation"));
    }

    private void signIn(String username) {
        browser.get(dashboard.toString());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=sign-in-form]")));
        browser.findElement(By.cssSelector("[data-testid=sign-in-username]")).sendKeys(username);
        browser.findElement(By.cssSelector("[data-testid=sign-in-password]")).sendKeys(TestUsers.password(username));
        browser.findElement(By.cssSelector("[data-testid=sign-in-submit]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=fleet-summary]")));
    }

    private static By unit(String unitId) {
        return By.cssSelector("[data-testid='unit-" + unitId + "']");
    }

    private void markThePage() {
        ((JavascriptExecutor) browser).executeScript("window.__notReloaded = true;");
    }

    private void assertThePageWasNotReloaded() {
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return window.__notReloaded === true;"),
                "the page was reloaded");
    }

    private static int samplesDrawn(WebDriver driver, String unitId) {
        var found = driver.findElements(By.cssSelector("[data-testid=waveform-" + unitId + "]"));
        if (found.isEmpty()) {
            return 0;
        }
        var samples = found.get(0).getAttribute("data-samples");
        return samples == null ? 0 : Integer.parseInt(samples);
    }

    private void screenshot(String name) {
        Chromium.screenshot(browser, name);
    }
}
