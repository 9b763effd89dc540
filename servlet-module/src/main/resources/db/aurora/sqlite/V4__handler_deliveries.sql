-- Schema version 4: handler deliveries, the durable queue between a recorded event and the host app's
-- handlers. One row per (event, handler) call to make; replays add rows. Times are epoch milliseconds.
CREATE TABLE aurora_handler_deliveries (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id          BIGINT NOT NULL,
    handler           VARCHAR(200) NOT NULL,
    -- the id the event is about (AuroraEvent.subject()); one handler gets a subject's events in id order
    subject           VARCHAR(64),
    -- pending (waiting, running or retrying), done, dead
    status            VARCHAR(16) NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    due_at            BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    finished_at       BIGINT,
    claimed_by        VARCHAR(128),
    claim_expires_at  BIGINT,
    last_error        VARCHAR(2000)
);
CREATE INDEX aurora_handler_deliveries_due ON aurora_handler_deliveries (status, due_at);
CREATE INDEX aurora_handler_deliveries_subject ON aurora_handler_deliveries (handler, subject, status, id);
CREATE INDEX aurora_handler_deliveries_event ON aurora_handler_deliveries (event_id);
