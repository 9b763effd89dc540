package org.aurorawebhooks.hostile;

import java.util.List;

/**
 * One generated HTTP/1.1 request, exactly as it goes on the wire: the method and request target as written
 * in the request line (the target may be anything, including characters no URI allows), the headers, and a
 * body or null. With {@code latin1} every character of the request is sent as the one byte of its
 * ISO-8859-1 code, so characters U+0080 to U+00FF become bytes that are not UTF-8; otherwise it is UTF-8.
 *
 * @param about what the generator meant to build, for the failure report and the tally
 */
record HostileRequest(String about, String method, String target, List<Header> headers, String body, boolean latin1) {

    /** One header line; the name and value may hold any character. */
    record Header(String name, String value) {
        @Override
        public String toString() {
            return shorten(name) + ": " + shorten(value);
        }
    }

    HostileRequest {
        headers = List.copyOf(headers);
    }

    /** The target's path: before the first '?'. */
    String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The request as a failure report shows it: runs of one character are shortened to {@code c{n}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[").append(about).append("] ").append(shorten(method)).append(' ')
                .append(shorten(target)).append(latin1 ? " (ISO-8859-1 bytes)" : "");
        for (Header h : headers) {
            sb.append("\n    ").append(h);
        }
        if (body != null) {
            sb.append("\n    body: ").append(shorten(body));
        }
        return sb.toString();
    }

    /** Java-escaped, with runs of more than 8 equal characters written as {@code c{n}}. */
    static String shorten(String s) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int j = i;
            while (j < s.length() && s.charAt(j) == c) {
                j++;
            }
            String shown = c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
            if (j - i > 8) {
                sb.append(shown).append('{').append(j - i).append('}');
            } else {
                for (int k = i; k < j; k++) {
                    sb.append(shown);
                }
            }
            i = j;
        }
        return sb.toString();
    }
}
