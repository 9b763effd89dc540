package org.aurorawebhooks.hostile;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** What the hostile run sent and what came back, for the figures of RELIABILITY.md. */
final class Tally {
    private final Map<String, Map<Integer, Long>> byCategory = new TreeMap<>();
    private final Map<String, Long> refusals = new TreeMap<>();
    private final Map<String, Long> transports = new TreeMap<>();
    private final Map<String, String> examples = new LinkedHashMap<>();
    private long accepted;
    private long rejectedByFilter;

    synchronized void add(String category, HostileClient.Answer answer) {
        byCategory.computeIfAbsent(category, k -> new TreeMap<>()).merge(answer.status(), 1L, Long::sum);
        transports.merge(answer.transport(), 1L, Long::sum);
    }

    private final Map<String, Long> containerReasons = new TreeMap<>();
    private static final java.util.regex.Pattern TITLE = java.util.regex.Pattern.compile("<title>Error \\d+ ([^<]*)</title>");

    /** A request Jetty refused before the webapp saw it: counted with the reason its error page gives. */
    private final Map<String, String> containerExamples = new TreeMap<>();

    synchronized void refusedByContainer(HostileClient.Answer answer, String request) {
        add("refused by the container", answer);
        java.util.regex.Matcher m = TITLE.matcher(answer.body());
        String reason = m.find() ? m.group(1).replaceAll("(CNTL|VCHAR|SPACE|HTAB|OTEXT)=.*", "$1")
                : answer.body().isEmpty() ? "(no body)" : "(no error page)";
        containerReasons.merge(answer.status() + " " + reason, 1L, Long::sum);
        containerExamples.putIfAbsent(answer.status() + " " + reason, request.length() > 160 ? request.substring(0, 160) + "…" : request);
    }

    synchronized void accepted(HostileClient.Answer answer) {
        add("webhook: accepted and stored", answer);
        accepted++;
    }

    synchronized void rejected(HostileClient.Answer answer, String code) {
        add("webhook: refused by the filter", answer);
        refusals.merge(answer.status() + " " + code, 1L, Long::sum);
        rejectedByFilter++;
    }

    synchronized void examples(String what, long n, long wallNanos, long cpuNanos) {
        examples.put(what, String.format(java.util.Locale.ROOT, "%d (%.1f s wall, %.1f s CPU of this JVM)", n,
                wallNanos / 1e9, cpuNanos / 1e9));
    }

    synchronized long accepted() {
        return accepted;
    }

    synchronized long rejectedByFilter() {
        return rejectedByFilter;
    }

    synchronized String markdown(long seed, long requestsChecked) {
        StringBuilder sb = new StringBuilder("### Hostile input: outcomes (seed ").append(seed).append(")\n\n");
        examples.forEach((what, n) -> sb.append("- examples run, ").append(what).append(": ").append(n).append('\n'));
        sb.append("- generated requests checked in all: ").append(requestsChecked).append('\n');
        transports.forEach((t, n) -> sb.append("- sent with ").append(t).append(": ").append(n).append('\n'));
        sb.append("\n| what the request was | answers by status |\n| --- | --- |\n");
        byCategory.forEach((category, statuses) -> {
            long total = statuses.values().stream().mapToLong(Long::longValue).sum();
            sb.append("| ").append(category).append(" (").append(total).append(") | ");
            statuses.forEach((status, n) -> sb.append(status).append(": ").append(n).append(", "));
            sb.setLength(sb.length() - 2);
            sb.append(" |\n");
        });
        sb.append("\n| refused by Jetty itself: status and reason | count | first example |\n| --- | --- | --- |\n");
        containerReasons.forEach((reason, n) -> sb.append("| ").append(reason.replace("|", "\\|")).append(" | ").append(n)
                .append(" | `").append(containerExamples.get(reason).replace("|", "\\|").replace("`", "'").replace("\n", " ⏎ "))
                .append("` |\n"));
        sb.append("\n| refused by the filter: status and error | count |\n| --- | --- |\n");
        refusals.forEach((code, n) -> sb.append("| ").append(code).append(" | ").append(n).append(" |\n"));
        return sb.toString();
    }
}
