package org.aurorawebhooks.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.aurorawebhooks.AuroraEvent;
import org.aurorawebhooks.AuroraEventHandler;
import org.aurorawebhooks.AuroraHandlers;
import org.aurorawebhooks.config.ConfigSource;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.testing.TestSecrets;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console's dashboard in a real browser: Debian's headless Chromium, driven by Selenium
 * through chromedriver, against the sample app on a loopback port. The page loads and refreshes itself
 * without a single console error (an inline script or style the page's Content-Security-Policy refused
 * would be one), its counts are the database's, the chart draws one bar per minute and event, and a dead
 * letter's Retry button makes the delivery pending again, after which its handler is called. A screenshot
 * of the page is left in {@code target/dashboard.png}.
 *
 * <p>Chromium and chromedriver are found at {@code AURORA_TEST_CHROMIUM} and
 * {@code AURORA_TEST_CHROMEDRIVER} (default {@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}; Debian's
 * {@code chromium} and {@code chromium-driver}, which {@code .ci/run} installs). Without them the test is
 * skipped with a notice, except under {@code CI=true}, where it fails: CI must never pass by skipping it.
 */
class DashboardBrowserTest {
    private static final String USER = "operator";
    private static final String PASSWORD = TestSecrets.fresh("admin-password");
    private static final String HANDLER = "browser-test-crm";

    /** Fails its calls while {@link #failing}; afterwards each call waits for {@link #release}. */
    private static final class CrmHandler implements AuroraEventHandler {
        volatile boolean failing = true;
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public boolean accepts(String eventType) {
            return eventType.equals("project_created");
        }

        @Override
        public String name() {
            return HANDLER;
        }

        @Override
        public void handle(AuroraEvent event) throws Exception {
            if (failing) {
                throw new IllegalStateException("CRM refused project " + event.subject().orElse("?") + " <b>no territory</b>");
            }
            if (!release.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the test never released the call");
            }
        }
    }

    @Test
    void dashboardShowsTheDatabasesCountsDrawsTheChartAndRetriesADeadLetter(@TempDir Path dir) throws Exception {
        Path chromium = executable("AURORA_TEST_CHROMIUM", "/usr/bin/chromium");
        Path chromedriver = executable("AURORA_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
        String db = "jdbc:sqlite:" + dir.resolve("sample.db");
        Settings settings = Settings.load(List.of(ConfigSource.of("test", Map.of("aurora.db.url", db,
                "aurora.sample.port", "0", "aurora.sample.demo", "false", "aurora.reconciler.cron", "off",
                "aurora.handlers.retry-schedule", "none", "aurora.admin.username", USER, "aurora.admin.password", PASSWORD))),
                Map.of());
        try (SampleApp app = SampleApp.start(settings)) {
            CrmHandler crm = new CrmHandler();
            AuroraHandlers.register(app.servletContext(), crm);
            String base = "http://127.0.0.1:" + app.port() + "/aurora/webhooks/";
            for (String delivery : List.of(
                    "lead_created?lead_id=3fa85f64-5717-4562-b3fc-2c963f66afa6&source=api",
                    "lead_created?lead_id=7c9e6679-7425-40de-944b-e07fc1f90ae7&source=lcai",
                    "lead_changed?lead_id=3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "project_created?project_id=0b4d7f5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f&source=api",
                    "design_created?project_id=0b4d7f5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f&design_id=5a6b7c8d-1111-4222-8333-944455566677&source=app",
                    "agreement_status_changed?project_id=0b4d7f5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f&agreement_id=1e2f3a4b-5555-4666-8777-988899900011&status=signed")) {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + delivery))
                        .header(SampleApp.SAMPLE_HEADER, SampleApp.SAMPLE_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
            }
            Jdbi jdbi = Jdbi.create(db);
            // Settled before the page is read: the sample's handler done with its four, the CRM's one dead.
            awaitTrue(() -> "the CRM delivery dead and nothing pending: " + deliveries(jdbi), () -> count(jdbi,
                    "SELECT COUNT(*) FROM aurora_handler_deliveries WHERE status = 'pending'") == 0 && count(jdbi,
                    "SELECT COUNT(*) FROM aurora_handler_deliveries WHERE status = 'dead'") == 1);
            long deadId = count(jdbi, "SELECT id FROM aurora_handler_deliveries WHERE status = 'dead' AND handler = '"
                    + HANDLER + "'");

            ChromeDriver browser = browser(chromium, chromedriver);
            try {
                // Basic auth as a header on every request the page makes (its refresh fetch and the retry form too).
                browser.executeCdpCommand("Network.enable", Map.of());
                browser.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))));
                browser.get(base + "_dashboard");
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                wait.until(d -> !d.findElements(By.cssSelector("main#console")).isEmpty());

                // Counts: per event type and in all, as the database has them.
                Map<String, Long> inDatabase = new TreeMap<>();
                jdbi.useHandle(h -> h.createQuery("SELECT event_type, COUNT(*) FROM aurora_webhook_events GROUP BY event_type")
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2))).forEach(e -> inDatabase.put(e.getKey(), e.getValue())));
                Map<String, Long> onPage = new TreeMap<>();
                for (WebElement row : browser.findElements(By.cssSelector("#deliveries-by-type tbody tr[data-event]"))) {
                    onPage.put(row.getDomAttribute("data-event"), dataCount(row.findElement(By.cssSelector("td.day"))));
                }
                assertEquals(inDatabase, onPage);
                long total = count(jdbi, "SELECT COUNT(*) FROM aurora_webhook_events");
                assertEquals(6, total);
                assertEquals(total, dataCount(browser.findElement(By.id("deliveries-total-day"))));
                assertEquals(total, dataCount(browser.findElement(By.id("deliveries-total-hour"))));
                WebElement crmRow = browser.findElement(By.cssSelector("#handler-counts tr[data-handler='" + HANDLER + "']"));
                assertEquals(1, dataCount(crmRow.findElement(By.cssSelector("td[data-state=dead]"))));
                assertEquals(0, dataCount(crmRow.findElement(By.cssSelector("td[data-state=pending]"))));
                List<WebElement> dead = browser.findElements(By.cssSelector("#dead-letters tr[data-dead-id]"));
                assertEquals(1, dead.size());
                assertEquals(String.valueOf(deadId), dead.get(0).getDomAttribute("data-dead-id"));
                assertTrue(dead.get(0).getText().contains("CRM refused project 0b4d7f5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f <b>no territory</b>"),
                        "the error shows as text, escaped: " + dead.get(0).getText());

                // The chart: drawn, one bar per (minute, event), the bars adding up to the deliveries.
                WebElement chart = browser.findElement(By.id("deliveries-chart"));
                assertTrue(chart.getRect().getWidth() > 0 && chart.getRect().getHeight() > 0, "the chart takes room on the page");
                List<WebElement> bars = chart.findElements(By.cssSelector("rect.bar"));
                assertFalse(bars.isEmpty(), "the chart has bars");
                long barTotal = 0;
                for (WebElement bar : bars) {
                    barTotal += dataCount(bar);
                    assertTrue(Double.parseDouble(bar.getDomAttribute("height")) > 0, "a bar with a count has a height");
                    assertTrue(bar.getRect().getHeight() > 0, "the browser draws the bar");
                }
                assertEquals(total, barTotal);

                // The page refreshes itself (its script runs under the page's CSP) and keeps the same counts.
                wait.until(d -> d.findElement(By.id("refresh-state")).getDomAttribute("data-refreshes") != null);
                assertEquals(total, dataCount(browser.findElement(By.id("deliveries-total-day"))));
                screenshot(browser, Path.of("target", "dashboard.png"));

                // Retry the dead letter from the page: the row becomes pending and its handler is called again.
                crm.failing = false;
                browser.findElement(By.cssSelector("button.retry[data-retry-id='" + deadId + "']")).click();
                wait.until(d -> !d.findElements(By.cssSelector("#notice[data-retried='" + deadId + "']")).isEmpty());
                assertEquals("pending", status(jdbi, deadId), "the retried delivery waits for (or is in) its handler call");
                crm.release.countDown();
                awaitTrue(() -> "the retried delivery done: " + deliveries(jdbi), () -> "done".equals(status(jdbi, deadId)));

                List<String> errors = new ArrayList<>();
                for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
                    if (entry.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                        errors.add(entry.getLevel() + " " + entry.getMessage());
                    }
                }
                assertEquals(List.of(), errors, "errors and warnings in the browser's console");
            } finally {
                browser.quit();
            }
        }
    }

    /** Headless Chromium with its console log kept; {@code --no-sandbox} because CI runs as root. */
    private static ChromeDriver browser(Path chromium, Path chromedriver) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1600", "--no-first-run", "--disable-extensions");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** The whole page, not only the window: Chromium's own full-page capture. */
    private static void screenshot(ChromeDriver browser, Path file) throws java.io.IOException {
        Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
    }

    /** The path of a browser executable, or a skip (a failure under CI=true) naming what is missing. */
    private static Path executable(String variable, String fallback) {
        String configured = System.getenv(variable);
        Path path = Path.of(configured == null || configured.isEmpty() ? fallback : configured);
        if (!Files.isExecutable(path)) {
            String notice = path + " is missing (" + variable + "); install Debian's chromium and chromium-driver "
                    + "(apt-get install -y chromium chromium-driver) or point " + variable + " at it";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(notice);
            }
            System.err.println("SKIPPED: " + notice);
            assumeTrue(false, notice);
        }
        return path;
    }

    private static long dataCount(WebElement element) {
        return Long.parseLong(element.getDomAttribute("data-count"));
    }

    private static long count(Jdbi jdbi, String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private static String deliveries(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, handler, status, attempts, last_error FROM aurora_handler_deliveries")
                .mapToMap().list()).toString();
    }

    private static String status(Jdbi jdbi, long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status FROM aurora_handler_deliveries WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
    }

    private static void awaitTrue(Supplier<String> what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 30 s: " + what.get());
            }
            Thread.sleep(50);
        }
    }
}
