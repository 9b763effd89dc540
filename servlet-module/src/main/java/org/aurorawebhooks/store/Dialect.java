package org.aurorawebhooks.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * What differs between the supported databases. The SQL itself is shared (both understand
 * {@code INSERT ... ON CONFLICT}, {@code RETURNING} and subqueries in {@code VALUES}); only how a
 * timestamp is stored in the public tables differs.
 */
public enum Dialect {
    /** Timestamps as fixed-width ISO-8601 UTC text, so they sort and compare as strings. */
    SQLITE("sqlite") {
        @Override
        public Object timestamp(Instant instant) {
            return instant == null ? null : ISO_MILLIS.format(instant);
        }

        @Override
        public Instant readTimestamp(ResultSet rs, String column) throws SQLException {
            String s = rs.getString(column);
            return s == null ? null : Instant.parse(s);
        }
    },
    /** Timestamps as {@code TIMESTAMPTZ}. */
    POSTGRESQL("postgresql") {
        @Override
        public Object timestamp(Instant instant) {
            return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
        }

        @Override
        public Instant readTimestamp(ResultSet rs, String column) throws SQLException {
            Timestamp t = rs.getTimestamp(column);
            return t == null ? null : t.toInstant();
        }
    };

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String vendor;

    Dialect(String vendor) {
        this.vendor = vendor;
    }

    /** The folder of this database's migrations under {@code db/aurora/}. */
    String vendor() {
        return vendor;
    }

    /** The value to bind for a timestamp column of a public table. */
    public abstract Object timestamp(Instant instant);

    public abstract Instant readTimestamp(ResultSet rs, String column) throws SQLException;

    /** The dialect of a JDBC URL, or empty when the database is not one the library supports. */
    static java.util.Optional<Dialect> of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return java.util.Optional.of(SQLITE);
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return java.util.Optional.of(POSTGRESQL);
        }
        return java.util.Optional.empty();
    }
}
