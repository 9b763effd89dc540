package org.aurorawebhooks.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.aurorawebhooks.config.ConfigException;
import org.aurorawebhooks.config.Key;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.internal.Sha256;

/**
 * Checks a delivery's credential the ways Aurora can send one: a header token
 * ({@code header_auth_key}/{@code header_auth_value}, several values accepted during a rotation)
 * or HTTP basic auth. Either configured scheme admits a request.
 *
 * <p>Comparisons run in constant time: both sides are hashed to fixed-length digests first, and every
 * accepted value is compared, so neither the length nor the position of a match leaks through
 * timing. Immutable and thread-safe; it never logs or returns a secret.
 */
public final class Authenticator {
    private final String headerName;
    private final List<byte[]> headerDigests;
    private final byte[] basicUserDigest;
    private final byte[] basicPasswordDigest;
    private final boolean disabled;

    private Authenticator(String headerName, List<byte[]> headerDigests, byte[] basicUserDigest,
                          byte[] basicPasswordDigest, boolean disabled) {
        this.headerName = headerName;
        this.headerDigests = headerDigests;
        this.basicUserDigest = basicUserDigest;
        this.basicPasswordDigest = basicPasswordDigest;
        this.disabled = disabled;
    }

    /**
     * The authenticator for the configured credentials.
     *
     * @throws ConfigException when no credential is configured and {@code aurora.webhooks.auth.disabled}
     *     is not {@code true}: an open endpoint must be asked for explicitly
     */
    public static Authenticator from(Settings settings) {
        List<byte[]> headerDigests = new ArrayList<>();
        for (String value : settings.headerValues()) {
            headerDigests.add(digest(value));
        }
        byte[] user = settings.basicUsername().map(Authenticator::digest).orElse(null);
        byte[] password = settings.basicPassword().map(Authenticator::digest).orElse(null);
        boolean anyCredential = !headerDigests.isEmpty() || user != null;
        if (!anyCredential && !settings.authDisabled()) {
            throw new ConfigException("no webhook credential is configured: set " + Key.AUTH_HEADER_NAME.key() + " and "
                    + Key.AUTH_HEADER_VALUE.key() + " (Aurora's header_auth_key/header_auth_value), or "
                    + Key.AUTH_BASIC_USERNAME.key() + " and " + Key.AUTH_BASIC_PASSWORD.key()
                    + "; to accept unauthenticated deliveries on purpose, set " + Key.AUTH_DISABLED.key() + "=true");
        }
        return new Authenticator(settings.headerName().orElse(null), List.copyOf(headerDigests), user, password,
                !anyCredential);
    }

    /** True when the request carries an accepted credential (or authentication is disabled). */
    public boolean admits(HttpServletRequest request) {
        if (disabled) {
            return true;
        }
        boolean ok = false;
        if (headerName != null) {
            String presented = request.getHeader(headerName);
            if (presented != null) {
                byte[] candidate = digest(presented.trim());
                for (byte[] accepted : headerDigests) {
                    // No early exit: the time taken does not depend on which value matched.
                    ok |= MessageDigest.isEqual(candidate, accepted);
                }
            }
        }
        if (basicUserDigest != null) {
            ok |= admitsBasic(request.getHeader("Authorization"));
        }
        return ok;
    }

    private boolean admitsBasic(String authorization) {
        if (authorization == null || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        boolean userOk = MessageDigest.isEqual(digest(decoded.substring(0, colon)), basicUserDigest);
        boolean passwordOk = MessageDigest.isEqual(digest(decoded.substring(colon + 1)), basicPasswordDigest);
        return bothWithoutShortCircuit(userOk, passwordOk);
    }

    /** Both compared whatever the first says: a wrong user name takes as long as a wrong password. */
    @SuppressWarnings("ShortCircuitBoolean")
    private static boolean bothWithoutShortCircuit(boolean a, boolean b) {
        return a & b;
    }

    /** Whether a 401 should invite basic auth ({@code WWW-Authenticate: Basic}). */
    public boolean offersBasic() {
        return basicUserDigest != null;
    }

    /** A short description for the start-up log, without any secret. */
    public String describe() {
        if (disabled) {
            return "DISABLED (aurora.webhooks.auth.disabled=true): deliveries are accepted without a credential";
        }
        List<String> schemes = new ArrayList<>();
        if (headerName != null) {
            schemes.add("header " + headerName + " (" + headerDigests.size() + " accepted value(s))");
        }
        if (basicUserDigest != null) {
            schemes.add("HTTP basic");
        }
        return String.join(" or ", schemes);
    }

    private static byte[] digest(String value) {
        return Sha256.digest(value);
    }
}
