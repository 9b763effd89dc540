package org.aurorawebhooks.internal;

import java.util.Collection;
import java.util.Optional;

/**
 * The did-you-mean of a mistyped name (a configuration key, an event on the command line): the closest
 * known name by edit distance, when it is close. Shared so that both modules suggest alike.
 */
public final class NameSuggestions {
    private NameSuggestions() {
    }

    /**
     * The known name closest to {@code name}, when it is at most a quarter of the name's length (and
     * at least 2) edits away; further than that a suggestion would be a guess. A known name that
     * begins with {@code name} (a truncated key, {@code AURORA_DB_USER} for {@code AURORA_DB_USERNAME})
     * counts as one edit away; ties go to the fewer edits.
     */
    public static Optional<String> closest(String name, Collection<String> known) {
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(name, candidate);
            int score = candidate.startsWith(name) ? Math.min(d, 1) : d;
            if (score < bestScore || (score == bestScore && d < bestDistance)) {
                best = candidate;
                bestScore = score;
                bestDistance = d;
            }
        }
        return best != null && bestScore <= Math.max(2, name.length() / 4) ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance: insertions, deletions and substitutions each count one. */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
