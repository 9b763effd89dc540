-- Schema version 1: the public tables (aurora_webhook_events, aurora_leads, aurora_reconcile_runs)
-- and the internal ones (aurora_lead_sync: pending lead fetches; aurora_locks: named leases).
-- Timestamps in public tables are DATETIME(3) holding UTC: unlike TIMESTAMP, a DATETIME is never
-- shifted by the session's time_zone, and it has no 2038 limit. The binary collation compares ids
-- and fingerprints exactly as the other databases do (case-sensitively).
-- Internal tables keep times as epoch milliseconds so the same SQL works on every database.

CREATE TABLE aurora_webhook_events (
    id                      BIGINT AUTO_INCREMENT PRIMARY KEY,
    event_type              VARCHAR(64) NOT NULL,
    received_at             DATETIME(3) NOT NULL,
    project_id              VARCHAR(64),
    agreement_id            VARCHAR(64),
    ahj_id                  VARCHAR(64),
    app_id                  VARCHAR(64),
    design_id               VARCHAR(64),
    asset_id                VARCHAR(64),
    asset_type              VARCHAR(1024),
    job_id                  VARCHAR(64),
    lead_id                 VARCHAR(64),
    design_request_id       VARCHAR(64),
    plan_set_request_id     VARCHAR(64),
    site_survey_request_id  VARCHAR(64),
    site_survey_id          VARCHAR(64),
    status                  VARCHAR(1024),
    source                  VARCHAR(1024),
    attributes              VARCHAR(1024),
    query_string            TEXT NOT NULL,
    -- comma-separated names of attributes whose value is not one Aurora documents; NULL when none
    undocumented_values     VARCHAR(256),
    -- hash of the event type and its parameters: equal for identical deliveries
    fingerprint             CHAR(32) NOT NULL,
    -- id of the first earlier delivery with the same fingerprint; NULL for a first delivery
    repeat_of               BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX aurora_webhook_events_fingerprint ON aurora_webhook_events (fingerprint, id);
CREATE INDEX aurora_webhook_events_type_time ON aurora_webhook_events (event_type, received_at);
CREATE INDEX aurora_webhook_events_lead ON aurora_webhook_events (lead_id);
CREATE INDEX aurora_webhook_events_project ON aurora_webhook_events (project_id);

CREATE TABLE aurora_lead_sync (
    lead_id           VARCHAR(64) PRIMARY KEY,
    -- bumped by every request; a fetch that started before the latest request does not complete it
    generation        BIGINT NOT NULL,
    reason            VARCHAR(64) NOT NULL,
    requested_at      BIGINT NOT NULL,
    due_at            BIGINT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    claimed_by        VARCHAR(128),
    claim_expires_at  BIGINT,
    last_error        VARCHAR(2000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX aurora_lead_sync_due ON aurora_lead_sync (due_at);

CREATE TABLE aurora_leads (
    lead_id                 VARCHAR(64) PRIMARY KEY,
    project_id              VARCHAR(64),
    address                 TEXT,
    latitude                DOUBLE PRECISION,
    longitude               DOUBLE PRECISION,
    customer_address        TEXT,
    customer_email          TEXT,
    customer_first_name     TEXT,
    customer_last_name      TEXT,
    customer_phone          TEXT,
    monthly_average_bill    DOUBLE PRECISION,
    system_size_stc         DOUBLE PRECISION,
    annual_production       DOUBLE PRECISION,
    module_count            DOUBLE PRECISION,
    sunlight_hours          DOUBLE PRECISION,
    pct_utility_bill_offset DOUBLE PRECISION,
    created_at              DATETIME(3),
    updated_at              DATETIME(3),
    raw_json                TEXT NOT NULL,
    -- hash of raw_json's canonical form: tells a changed lead from an unchanged one
    content_hash            CHAR(32) NOT NULL,
    first_seen_at           DATETIME(3) NOT NULL,
    last_fetched_at         DATETIME(3) NOT NULL,
    last_changed_at         DATETIME(3) NOT NULL,
    -- set when Aurora answered 404 for this lead; cleared if it reappears
    gone_at                 DATETIME(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX aurora_leads_fetched ON aurora_leads (last_fetched_at);

CREATE TABLE aurora_reconcile_runs (
    id                  BIGINT AUTO_INCREMENT PRIMARY KEY,
    started_at          DATETIME(3) NOT NULL,
    ended_at            DATETIME(3),
    trigger_type        VARCHAR(32) NOT NULL,
    -- for scheduled runs: the Quartz fire time this run served (one run per fire time, across nodes)
    scheduled_for       DATETIME(3),
    outcome             VARCHAR(32) NOT NULL,
    since_window        VARCHAR(64) NOT NULL,
    dry_run             BOOLEAN NOT NULL,
    checked             INTEGER NOT NULL DEFAULT 0,
    created_missed      INTEGER NOT NULL DEFAULT 0,
    changed_missed      INTEGER NOT NULL DEFAULT 0,
    unchanged           INTEGER NOT NULL DEFAULT 0,
    gone                INTEGER NOT NULL DEFAULT 0,
    failed              INTEGER NOT NULL DEFAULT 0,
    api_calls           INTEGER NOT NULL DEFAULT 0,
    throttled           INTEGER NOT NULL DEFAULT 0,
    error               VARCHAR(2000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE aurora_locks (
    name        VARCHAR(64) PRIMARY KEY,
    holder      VARCHAR(128) NOT NULL,
    expires_at  BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
