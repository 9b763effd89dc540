package org.aurorawebhooks.auth;

import java.util.Locale;

/**
 * A raw HTTP/1.1 response as {@code FilterHarness.rawTarget} returns it, and who answered it: the webhook
 * endpoint, the operator console, the host app or the container itself. Told apart by what each of them
 * writes (the endpoint's JSON error codes, the console's texts, the host servlet's {@code host:} line).
 */
record RawAnswer(int status, String headers, String body) {

    /** Who answered a request, and how. */
    enum Kind {
        /** The endpoint stored a delivery (200 with the row's id). */
        STORED(Responder.FILTER),
        /** The endpoint listed the events ({@code GET {path}/}, 200). */
        LISTED(Responder.FILTER),
        /** The endpoint refused the credential (401). */
        WEBHOOK_REFUSED(Responder.FILTER),
        /** Another answer of the endpoint (404 unknown event, 400, 405...). */
        WEBHOOK_OTHER(Responder.FILTER),
        /** The console served a page (200). */
        CONSOLE_PAGE(Responder.FILTER),
        /** The console refused the credential (401). */
        CONSOLE_REFUSED(Responder.FILTER),
        /** Another answer of the console (405). */
        CONSOLE_OTHER(Responder.FILTER),
        /** The host app's own servlet answered. */
        HOST(Responder.HOST),
        /** The container answered by itself (a 400 for an ambiguous URI, a 404 for no context, a redirect). */
        CONTAINER(Responder.CONTAINER);

        final Responder responder;

        Kind(Responder responder) {
            this.responder = responder;
        }
    }

    /** Which part of the server took the request; a credential must never change it. */
    enum Responder {
        FILTER, HOST, CONTAINER
    }

    static RawAnswer parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        if (!raw.startsWith("HTTP/1.1 ") || end < 0) {
            throw new AssertionError("not an HTTP/1.1 response: " + raw);
        }
        return new RawAnswer(Integer.parseInt(raw.substring(9, 12)), raw.substring(0, end), raw.substring(end + 4));
    }

    Kind kind() {
        String type = header("Content-Type").toLowerCase(Locale.ROOT);
        if (body.contains("host:GET ") || body.contains("host:HEAD ")) {
            return Kind.HOST;
        }
        boolean json = type.startsWith("application/json");
        if (json && status == 200 && body.startsWith("{\"id\":")) {
            return Kind.STORED;
        }
        if (json && status == 200 && body.startsWith("{\"events\":")) {
            return Kind.LISTED;
        }
        if (json && status == 401 && body.contains("\"error\":\"unauthorized\"")) {
            return Kind.WEBHOOK_REFUSED;
        }
        if (json && body.startsWith("{\"error\":")) {
            return Kind.WEBHOOK_OTHER;
        }
        if (status == 401 && body.startsWith("The operator console needs")) {
            return Kind.CONSOLE_REFUSED;
        }
        boolean consoleHeaders = header("X-Frame-Options").equals("DENY") && header("Referrer-Policy").equals("same-origin");
        if (consoleHeaders && status == 200) {
            return Kind.CONSOLE_PAGE;
        }
        if (consoleHeaders) {
            return Kind.CONSOLE_OTHER;
        }
        return Kind.CONTAINER;
    }

    /** The first value of a response header, or "". */
    String header(String name) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }
}
