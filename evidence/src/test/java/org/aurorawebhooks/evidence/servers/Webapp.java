package org.aurorawebhooks.evidence.servers;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.aurorawebhooks.evidence.servers.shop.ShopLeadBook;
import org.aurorawebhooks.simulator.SimulatedAurora;
import org.aurorawebhooks.testing.TestDatabases;
import org.aurorawebhooks.testing.TestSecrets;

/**
 * One webapp deployed by the test: what it is, its context, its fresh database and its configuration (a
 * webhook credential of its own, the simulated Aurora's API, a reconcile every few seconds so that the lead
 * sync and the Quartz schedule run while it is undeployed).
 */
record Webapp(String name, Kind kind, TestDatabases.Kind database, String inspectUrl, String pgApplicationName,
              Path sqliteFile, String token, Map<String, String> params) {
    static final String TOKEN_HEADER = "X-Aurora-Token";

    /** The two ways the library reaches a server. */
    enum Kind {
        /** aurora-sample.war as built, its own web.xml overridden by the deployer's descriptor. */
        SAMPLE_WAR("the sample WAR", "org.aurorawebhooks.sample.SampleHandler"),
        /** A plain webapp of its own (servlet, web.xml, handler) with aurora-webhooks.jar dropped into WEB-INF/lib. */
        DROP_IN_SHOP("a plain webapp + aurora-webhooks.jar + its handler", ShopLeadBook.class.getName());

        final String description;
        final String handler;

        Kind(String description, String handler) {
            this.description = description;
            this.handler = handler;
        }
    }

    /** A fresh database of the given kind and a fresh configuration for a webapp at {@code /name}. */
    static Webapp create(String name, Kind kind, TestDatabases.Kind database, SimulatedAurora aurora) throws SQLException {
        String url = TestDatabases.fresh(database).get("aurora.db.url");
        String webappUrl = url;
        String applicationName = null;
        Path sqliteFile = null;
        if (database == TestDatabases.Kind.POSTGRESQL) {
            // Tags the webapp's connections in pg_stat_activity, so that the test can count exactly them.
            applicationName = "aurora-servers-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
            webappUrl = url + "&ApplicationName=" + applicationName;
        } else if (database == TestDatabases.Kind.SQLITE) {
            sqliteFile = Path.of(url.substring("jdbc:sqlite:".length()));
        } else {
            throw new IllegalArgumentException("the servers run covers SQLite and PostgreSQL, not " + database);
        }
        if (kind == Kind.DROP_IN_SHOP) {
            // The host's own table, made by the host's own migrations before the webapp starts (nothing else
            // has the database open yet, so a read-write connection of the test's is safe on SQLite too).
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                st.execute(ShopLeadBook.TABLE_DDL);
            }
        }
        String token = TestSecrets.fresh("servers-webhook-token");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("aurora.webhooks.auth.header-name", TOKEN_HEADER);
        params.put("aurora.webhooks.auth.header-value", token);
        params.put("aurora.db.url", webappUrl);
        params.put("aurora.api.base-url", aurora.baseUrl());
        params.put("aurora.api.tenant-id", aurora.tenantId());
        params.put("aurora.api.token", aurora.token());
        params.put("aurora.api.requests-per-minute", "6000");
        params.put("aurora.reconciler.cron", "0/5 * * * * ?");
        return new Webapp(name, kind, database, url, applicationName, sqliteFile, token, Map.copyOf(params));
    }

    String contextPath() {
        return "/" + name;
    }

    /** "SQLite" or "PostgreSQL", for the figures. */
    String databaseName() {
        return database == TestDatabases.Kind.SQLITE ? "SQLite" : "PostgreSQL";
    }
}
