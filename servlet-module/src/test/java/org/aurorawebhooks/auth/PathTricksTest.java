package org.aurorawebhooks.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.aurorawebhooks.auth.RawAnswer.Kind;
import org.aurorawebhooks.auth.RawAnswer.Responder;
import org.aurorawebhooks.testing.FilterHarness;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Path tricks against the filter in a real Jetty, with the webapp at the root and under a context path:
 * dot segments (plain and percent-encoded), {@code ;} path parameters, doubled and encoded slashes, case
 * variants, trailing slashes, encoded letters, the context path itself, absolute-form targets. Each target is
 * sent raw (no client library normalises it) with no credential, with the webhook credential and with the
 * console's. Whatever the container makes of it, a trick either reaches the endpoint or the console, which
 * then ask for their own credential, or it reaches the host app untouched, or the container refuses it; a
 * credential never changes which of them answers; no row is stored and no console page is served without
 * the credential for it.
 */
class PathTricksTest {
    private static final String HEADER = "X-Aurora-Token";
    private static final String ROUTE = "/lead_created_webhooks";

    /** The credentials each trick is sent with. */
    private enum Credential {
        NONE, WEBHOOK, ADMIN
    }

    /** Paths inside the webapp that aim at the webhook endpoint (an event) or at a route. */
    private static final List<String> EVENT_TRICKS = List.of(
            "/aurora/webhooks/lead_created",
            "/aurora/webhooks/lead_created/",
            "/aurora/webhooks/lead_created//",
            "/aurora/webhooks//lead_created",
            "//aurora/webhooks/lead_created",
            "/aurora//webhooks/lead_created",
            "/aurora/webhooks/./lead_created",
            "/./aurora/webhooks/lead_created",
            "/aurora/webhooks/x/../lead_created",
            "/aurora/x/../webhooks/lead_created",
            "/x/../aurora/webhooks/lead_created",
            "/aurora/webhooks/../webhooks/lead_created",
            "/aurora/webhooks/lead_created/..",
            "/aurora/webhooks/lead_created/.",
            "/aurora/webhooks/%2e%2e/webhooks/lead_created",
            "/aurora/webhooks/.%2E/webhooks/lead_created",
            "/aurora/webhooks/%2E/lead_created",
            "/x/%2e%2e/aurora/webhooks/lead_created",
            "/aurora/webhooks/..;/webhooks/lead_created",
            "/aurora/webhooks/lead_created;x=1",
            "/aurora/webhooks/lead_created;",
            "/aurora/webhooks/lead_created;jsessionid=abc",
            "/aurora/webhooks;x=1/lead_created",
            "/aurora;x=1/webhooks/lead_created",
            "/aurora/webhooks%2Flead_created",
            "/aurora/webhooks%2flead_created",
            "/aurora%2Fwebhooks/lead_created",
            "/aurora%2fwebhooks%2flead_created",
            "/aurora/webhooks/lead_created%2F",
            "/aurora/webhooks%5Clead_created",
            "/aurora/webhooks\\lead_created",
            "/aurora/webhooks/%6cead_created",
            "/aurora/%77ebhooks/lead_created",
            "/%61urora/webhooks/lead_created",
            "/Aurora/Webhooks/lead_created",
            "/AURORA/WEBHOOKS/LEAD_CREATED",
            "/aurora/webhooks/Lead_Created",
            "/aurora/webhooks/lead_created%20",
            "/aurora/webhooks/lead_created%00",
            "/aurora/webhooks/lead_created/extra",
            "/aurora/webhooks",
            "/aurora/webhooks/",
            "/aurora/webhooks//",
            "/aurora/webhooks/.",
            "/aurora/webhooksX/lead_created",
            "/aurora/webhook/lead_created",
            ROUTE,
            ROUTE + "/",
            ROUTE.toUpperCase(java.util.Locale.ROOT),
            ROUTE + ";x=1",
            "/x/.." + ROUTE,
            "/aurora/webhooks/.." + ROUTE);

    /** Paths inside the webapp that aim at the operator console. */
    private static final List<String> CONSOLE_TRICKS = List.of(
            "/aurora/webhooks/_status",
            "/aurora/webhooks/_dashboard",
            "/aurora/webhooks/_metrics",
            "/aurora/webhooks/_status/",
            "/aurora/webhooks/_status;x=1",
            "/aurora/webhooks;x=1/_status",
            "/aurora/webhooks/x/../_status",
            "/aurora/webhooks/./_status",
            "/aurora/webhooks//_status",
            "//aurora/webhooks/_status",
            "/x/../aurora/webhooks/_status",
            "/aurora/webhooks/%5Fstatus",
            "/aurora/webhooks/%5fstatus",
            "/aurora/webhooks/_%73tatus",
            "/aurora/webhooks%2F_status",
            "/aurora/webhooks/%2e/_status",
            "/aurora/webhooks/_STATUS",
            "/Aurora/Webhooks/_status",
            "/aurora/webhooks/_dashboard/../_status",
            "/aurora/webhooks/_dashboard/retry/..",
            "/aurora/webhooks/_dashboard;/retry",
            "/aurora/webhooks/_status/..",
            "/aurora/webhooks/_status%00",
            "/aurora/webhooks/_metrics%2F");

    private int leads;

    @ParameterizedTest(name = "webapp at \"{0}\"")
    @ValueSource(strings = {"", "/app"})
    void noTrickStoresADeliveryOrServesAConsolePageWithoutItsCredentialNorChangesWhoAnswers(String context)
            throws Exception {
        String token = TestSecrets.fresh("webhook-token");
        String adminPassword = TestSecrets.fresh("admin-password");
        Map<String, String> config = new HashMap<>(TestDatabases.freshSqlite());
        config.put("aurora.webhooks.auth.header-name", HEADER);
        config.put("aurora.webhooks.auth.header-value", token);
        config.put("aurora.webhooks.route." + ROUTE, "lead_created");
        config.put("aurora.admin.username", "ops");
        config.put("aurora.admin.password", adminPassword);
        Map<Credential, String[]> headers = new EnumMap<>(Credential.class);
        headers.put(Credential.NONE, new String[0]);
        headers.put(Credential.WEBHOOK, new String[] {HEADER, token});
        headers.put(Credential.ADMIN, new String[] {"Authorization", "Basic "
                + Base64.getEncoder().encodeToString(("ops:" + adminPassword).getBytes(StandardCharsets.UTF_8))});

        try (FilterHarness app = FilterHarness.startAt(context, config)) {
            List<String> targets = targets(context, app.port());
            List<String> table = new ArrayList<>();
            int stored = 0;
            for (String target : targets) {
                Map<Credential, Kind> kinds = new EnumMap<>(Credential.class);
                for (Credential credential : Credential.values()) {
                    leads++;
                    String lead = "L" + leads;
                    String sent = target + (target.contains("?") ? "&" : "?") + "lead_id=" + lead;
                    RawAnswer answer = RawAnswer.parse(app.rawTarget("GET", sent, headers.get(credential)));
                    Kind kind = answer.kind();
                    kinds.put(credential, kind);
                    String what = target + " with " + credential + " credential -> " + kind + " " + answer.status()
                            + ": " + answer.body();
                    if (credential != Credential.WEBHOOK) {
                        assertTrue(kind != Kind.STORED && kind != Kind.LISTED && kind != Kind.WEBHOOK_OTHER,
                                "the endpoint answered without its credential: " + what);
                    }
                    if (credential != Credential.ADMIN) {
                        assertTrue(kind != Kind.CONSOLE_PAGE && kind != Kind.CONSOLE_OTHER,
                                "the console answered without its credential: " + what);
                    }
                    if (kind == Kind.HOST) {
                        assertEquals("host:GET " + target, answer.body(), "the host gets the request untouched: " + what);
                    }
                    if (kind == Kind.STORED) {
                        stored++;
                        assertStoredAsSent(app, answer, lead, what);
                    }
                }
                Responder responder = kinds.get(Credential.NONE).responder;
                for (Kind kind : kinds.values()) {
                    assertEquals(responder, kind.responder, "a credential changed who answers " + target + ": " + kinds);
                }
                table.add(String.format("%-62s %-16s %-16s %s", target, kinds.get(Credential.NONE),
                        kinds.get(Credential.WEBHOOK), kinds.get(Credential.ADMIN)));
            }
            long rows = app.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM aurora_webhook_events")
                    .mapTo(Long.class).one());
            assertEquals(stored, rows, "a row for each 200 with the webhook credential, none for anything else");

            // Not vacuous: the plain paths reach the endpoint and the console, each with its own credential.
            String p = context + "/aurora/webhooks/";
            assertEquals(List.of(Kind.WEBHOOK_REFUSED, Kind.STORED, Kind.WEBHOOK_REFUSED), kindsOf(app, p + "lead_created?lead_id=a1", headers));
            assertEquals(List.of(Kind.WEBHOOK_REFUSED, Kind.STORED, Kind.WEBHOOK_REFUSED), kindsOf(app, context + ROUTE + "?lead_id=a2", headers));
            assertEquals(List.of(Kind.WEBHOOK_REFUSED, Kind.LISTED, Kind.WEBHOOK_REFUSED), kindsOf(app, p, headers));
            assertEquals(List.of(Kind.CONSOLE_REFUSED, Kind.CONSOLE_REFUSED, Kind.CONSOLE_PAGE), kindsOf(app, p + "_status", headers));
            assertEquals(List.of(Kind.HOST, Kind.HOST, Kind.HOST), kindsOf(app, context + "/shop/cart", headers));

            System.out.println("Path tricks, webapp at \"" + context + "\": " + targets.size() + " targets x "
                    + Credential.values().length + " credentials, " + stored + " stored (all with the webhook credential)\n"
                    + String.format("%-62s %-16s %-16s %s", "target", "no credential", "webhook", "admin") + "\n"
                    + String.join("\n", table));
        }
    }

    private static List<String> targets(String context, int port) {
        List<String> targets = new ArrayList<>();
        for (String path : EVENT_TRICKS) {
            targets.add(context + path);
        }
        for (String path : CONSOLE_TRICKS) {
            targets.add(context + path);
        }
        String authority = "http://127.0.0.1:" + port;
        targets.add(authority + context + "/aurora/webhooks/lead_created");
        targets.add(authority + context + "/aurora/webhooks/_status");
        targets.add("http://elsewhere.example" + context + "/aurora/webhooks/_status");
        if (context.isEmpty()) {
            targets.add("/");
            targets.add("/;x=1/aurora/webhooks/_status");
            targets.add("/;x=1/aurora/webhooks/lead_created");
        } else {
            String upper = context.toUpperCase(java.util.Locale.ROOT);
            String encoded = "/%" + Integer.toHexString(context.charAt(1)) + context.substring(2);
            for (String page : List.of("/aurora/webhooks/lead_created", "/aurora/webhooks/_status")) {
                targets.add(upper + page);
                targets.add(encoded + page);
                targets.add(context + ";x=1" + page);
                targets.add("/" + context + page);
                targets.add(context + "/../" + context.substring(1) + page);
                targets.add(context + "/." + page);
                targets.add(context + "%2F" + page.substring(1));
                targets.add(context + "2" + page);
                targets.add(page);
            }
            targets.add(context);
            targets.add(context + "/");
        }
        return targets;
    }

    private List<Kind> kindsOf(FilterHarness app, String target, Map<Credential, String[]> headers) throws Exception {
        List<Kind> kinds = new ArrayList<>();
        for (Credential credential : Credential.values()) {
            kinds.add(RawAnswer.parse(app.rawTarget("GET", target, headers.get(credential))).kind());
        }
        return kinds;
    }

    private static void assertStoredAsSent(FilterHarness app, RawAnswer answer, String lead, String what) {
        long id = Long.parseLong(answer.body().replaceAll("^\\{\"id\":(\\d+),.*$", "$1").trim());
        Map<String, Object> row = app.jdbi().withHandle(h -> h.createQuery(
                "SELECT event_type, lead_id FROM aurora_webhook_events WHERE id = :id").bind("id", id).mapToMap().one());
        assertEquals("lead_created", row.get("event_type"), what);
        assertEquals(lead, row.get("lead_id"), what);
    }
}
