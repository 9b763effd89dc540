-- A repeat is an identical delivery (same fingerprint) received within aurora.webhooks.repeat-window:
-- the lookup reads (fingerprint, received_at) and takes the smallest id, all from this index.
CREATE INDEX aurora_webhook_events_repeat ON aurora_webhook_events (fingerprint, received_at, id);
DROP INDEX aurora_webhook_events_fingerprint;
