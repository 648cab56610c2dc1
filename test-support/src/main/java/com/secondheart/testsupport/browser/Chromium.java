package com.secondheart.testsupport.browser;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;

/**
 * Debian's Chromium driven through Debian's chromedriver (both from apt: {@code chromium} and {@code chromium-driver}),
 * headless, with a fresh profile, for every browser test. Nothing is downloaded.
 *
 * <p>Without the browser, a browser test fails in CI ({@code CI=true}, as {@code .ci/run} runs, which installs it)
 * and is skipped elsewhere with a loud notice naming the packages to install: the README's test command then still
 * passes on a machine with Java and Maven only, and says what it did not test.
 */
public final class Chromium {

    public static final String BROWSER = System.getenv().getOrDefault("SH_TEST_CHROMIUM", "/usr/bin/chromium");
    public static final String DRIVER = System.getenv().getOrDefault("SH_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
    private static final String INSTALL = "apt-get install -y --no-install-recommends chromium chromium-driver";

    private Chromium() {
    }

    /** Fails (CI) or skips the calling test (elsewhere) when Chromium or its driver is missing. */
    public static void requireBrowser() {
        for (var path : new String[] {BROWSER, DRIVER}) {
            if (!new File(path).canExecute()) {
                var message = "The browser tests need Debian's Chromium and its driver, but " + path + " is missing. "
                        + "Install them with: " + INSTALL + " (or point SH_TEST_CHROMIUM / SH_TEST_CHROMEDRIVER at them).";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    throw new AssertionError(message + " CI never skips a browser test.");
                }
                System.err.println("\n**********************************************************************\n"
                        + "* SKIPPED: a browser test. " + message
                        + "\n**********************************************************************\n");
                Assumptions.abort(message);
            }
        }
    }

    /** A new headless browser at the given window size; the caller quits it. */
    public static ChromeDriver start(int width, int height) {
        requireBrowser();
        try {
            var profile = Files.createTempDirectory("sh-chromium-");
            profile.toFile().deleteOnExit();
            var options = new ChromeOptions();
            options.setBinary(BROWSER);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                    "--force-device-scale-factor=1", "--lang=en-GB");
            var logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).build();
            return new ChromeDriver(service, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ChromeDriver start() {
        return start(1480, 1000);
    }

    /** What the page wrote to its console, for the test log when something went wrong. */
    public static void printConsole(ChromeDriver browser) {
        browser.manage().logs().get(LogType.BROWSER).forEach(entry -> System.out.println("browser console: " + entry));
    }

    /**
     * Writes a screenshot under the module's {@code target/screenshots/}: running the tests leaves the work tree
     * clean, and {@code docs/images/refresh.sh} copies the pictures the README shows into {@code docs/images/}.
     */
    public static Path screenshot(ChromeDriver browser, String name) {
        try {
            var directory = Path.of("target", "screenshots");
            Files.createDirectories(directory);
            var file = directory.resolve(name);
            Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
