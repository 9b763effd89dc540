package org.aurorawebhooks.evidence;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Another process holding a SQLite file's write lock: {@code java -cp ... SqliteLocker FILE} opens the file,
 * begins an exclusive transaction (waiting its turn behind the writers already there), prints {@value #LOCKED},
 * and holds the lock until a line or the end of its standard input, then rolls back and prints
 * {@value #RELEASED}. A process of its own because two copies of SQLite in one JVM do not see each other's
 * POSIX locks; here the kernel's lock is the one the sample's SQLite meets.
 */
public final class SqliteLocker {
    static final String LOCKED = "locked";
    static final String RELEASED = "released";

    private SqliteLocker() {
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]); Statement st = c.createStatement()) {
            // Long enough to get in between the sample's commits, however busy it is.
            st.execute("PRAGMA busy_timeout = 120000");
            st.execute("BEGIN EXCLUSIVE");
            System.out.println(LOCKED);
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            st.execute("ROLLBACK");
            System.out.println(RELEASED);
            System.out.flush();
        }
    }
}
