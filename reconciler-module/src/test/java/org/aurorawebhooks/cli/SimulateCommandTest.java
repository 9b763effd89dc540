package org.aurorawebhooks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code simulate} with its options, run in-process and stopped the way an embedding caller stops it. */
class SimulateCommandTest {

    @Test
    void dropShareOptionIsAppliedAndTheControlsAnswer() throws Exception {
        StringWriter out = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread command = new Thread(() -> exit.set(Main.run(new String[] {"simulate", "--port", "0", "--drop-share", "0.25",
            "--leads", "3"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), Map.of())));
        command.start();
        try {
            String base = awaitBaseUrl(out);
            assertTrue(out.toString().contains(" with 3 leads, rate limit 90/min, dropping 25.0% of its webhooks"), out.toString());
            HttpResponse<String> share = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(base + "/_simulator/drop-share")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"drop_share\":0.25}", share.body());
        } finally {
            command.interrupt();
            command.join(30_000);
        }
        assertFalse(command.isAlive());
        assertEquals(0, exit.get());
    }

    @Test
    void dropShareOutsideZeroToOneIsAUsageError() {
        CliRun run = CliRun.runRaw("simulate", "--port", "0", "--drop-share", "1.5");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--drop-share: 1.5 is not between 0.0 (drop none) and 1.0 (drop all)"), run.err());
    }

    private static String awaitBaseUrl(StringWriter out) throws InterruptedException {
        Pattern started = Pattern.compile("simulated Aurora on (http://127\\.0\\.0\\.1:\\d+) ");
        for (int i = 0; i < 600; i++) {
            Matcher m = started.matcher(out.toString());
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(50);
        }
        fail("simulate did not start: " + out);
        return null;
    }
}
