package org.aurorawebhooks.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import org.aurorawebhooks.config.Settings;
import org.aurorawebhooks.internal.Sha256;

/**
 * The operator console's HTTP basic credential ({@code aurora.admin.username}/{@code aurora.admin.password}).
 * It is separate from {@link Authenticator} on purpose: a webhook credential never opens the console, and
 * start-up refuses an admin password that is also a webhook credential.
 *
 * <p>Compared in constant time, as the webhook credential is: both sides are hashed to fixed-length
 * digests and the user name and password are both compared whatever the first says. Immutable and
 * thread-safe; it never logs or returns a secret.
 */
public final class AdminCredential {
    /** What a console 401 carries. */
    public static final String CHALLENGE = "Basic realm=\"aurora-webhooks console\", charset=\"UTF-8\"";

    private final byte[] userDigest;
    private final byte[] passwordDigest;

    private AdminCredential(byte[] userDigest, byte[] passwordDigest) {
        this.userDigest = userDigest;
        this.passwordDigest = passwordDigest;
    }

    /** The configured credential, or empty when the console is closed. */
    public static Optional<AdminCredential> from(Settings settings) {
        if (settings.adminUsername().isEmpty() || settings.adminPassword().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AdminCredential(Sha256.digest(settings.adminUsername().get()),
                Sha256.digest(settings.adminPassword().get())));
    }

    /** How a request's {@code Authorization} header compares with the credential. */
    public enum Outcome {
        /** The header carries the admin credential. */
        ADMITTED,
        /** No basic credential at all: a browser's first request, before it asks its user. */
        ABSENT,
        /** A credential that is not the admin's: worth a line in the log. */
        WRONG
    }

    public Outcome check(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return authorization == null ? Outcome.ABSENT : Outcome.WRONG;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Outcome.WRONG;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Outcome.WRONG;
        }
        boolean userOk = MessageDigest.isEqual(Sha256.digest(decoded.substring(0, colon)), userDigest);
        boolean passwordOk = MessageDigest.isEqual(Sha256.digest(decoded.substring(colon + 1)), passwordDigest);
        return both(userOk, passwordOk) ? Outcome.ADMITTED : Outcome.WRONG;
    }

    /** Both compared whatever the first says: a wrong user name takes as long as a wrong password. */
    @SuppressWarnings("ShortCircuitBoolean")
    private static boolean both(boolean a, boolean b) {
        return a & b;
    }
}
