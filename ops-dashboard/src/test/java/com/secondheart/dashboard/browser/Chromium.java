package com.secondheart.dashboard.browser;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.logging.Level;

/**
 * Debian's Chromium driven through Debian's chromedriver (both from apt: {@code chromium} and {@code chromium-driver}),
 * headless, with a fresh profile. Nothing is downloaded: a missing browser fails the test with the line to install it.
 */
final class Chromium {

    static final String BROWSER = System.getenv().getOrDefault("SH_TEST_CHROMIUM", "/usr/bin/chromium");
    static final String DRIVER = System.getenv().getOrDefault("SH_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");

    private Chromium() {
    }

    /** What the page wrote to its console, for the test log when something went wrong. */
    static void printConsole(ChromeDriver browser) {
        browser.manage().logs().get(LogType.BROWSER).forEach(entry -> System.out.println("browser console: " + entry));
    }

    static ChromeDriver start() {
        for (var path : new String[] {BROWSER, DRIVER}) {
            if (!new File(path).canExecute()) {
                throw new AssertionError("The browser test needs Debian's Chromium and its driver, but " + path
                        + " is missing. Install them with: apt-get install -y --no-install-recommends chromium chromium-driver"
                        + " (or point SH_TEST_CHROMIUM / SH_TEST_CHROMEDRIVER at them).");
            }
        }
        try {
            var profile = Files.createTempDirectory("sh-chromium-");
            profile.toFile().deleteOnExit();
            var options = new ChromeOptions();
            options.setBinary(BROWSER);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1480,1000",
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
}
