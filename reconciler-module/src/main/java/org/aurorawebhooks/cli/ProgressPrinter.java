package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.time.Duration;
import org.aurorawebhooks.reconcile.Progress;

/**
 * Shows a reconcile pass's progress: on a terminal, one line rewritten in place; otherwise a log line
 * every few seconds, so a pass of hours under cron still shows where it stands.
 */
final class ProgressPrinter implements Progress.Listener {
    private static final long LOG_EVERY_MILLIS = 5_000;

    private final PrintWriter out;
    private final boolean terminal;
    private long lastLine;
    private boolean wroteInPlace;

    ProgressPrinter(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void update(Progress p) {
        String line = format(p);
        if (terminal) {
            out.print("\r" + line + "   ");
            out.flush();
            wroteInPlace = true;
        } else if (System.currentTimeMillis() - lastLine >= LOG_EVERY_MILLIS) {
            lastLine = System.currentTimeMillis();
            out.println("reconcile progress: " + line);
            out.flush();
        }
    }

    static String format(Progress p) {
        long percent = p.total() == 0 ? 100 : Math.min(100, p.done() * 100 / p.total());
        return String.format("%,d/%,d (%d%%), %,d API calls, ETA %s", p.done(), p.total(), percent, p.apiCalls(),
                human(p.eta()));
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        return (s / 3600) + "h " + (s % 3600 / 60) + "m";
    }

    /** Ends the in-place line before the summary. */
    void finish() {
        if (wroteInPlace) {
            out.println();
            out.flush();
        }
    }
}
