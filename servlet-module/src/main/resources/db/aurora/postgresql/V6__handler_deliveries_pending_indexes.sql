-- Schema version 6: the handler queue's claim reads only pending rows, so its indexes hold only those.
-- A delivery is inserted pending, claimed (claimed_by, claim_expires_at: no indexed column changes, so with
-- room on its page the new version is a heap-only tuple and touches no index), then marked done or dead,
-- which leaves both partial indexes: they stay the size of the backlog however many rows retention keeps,
-- and a finished row costs an entry in the finished index, the primary key and the event index only.
ALTER TABLE aurora_handler_deliveries SET (fillfactor = 80);
-- The claim: due pending rows in (due_at, id) order.
CREATE INDEX aurora_handler_deliveries_pending ON aurora_handler_deliveries (due_at, id) WHERE status = 'pending';
-- The head of each handler's subject: its smallest pending id, one probe of this index per candidate. Subject
-- first, as the probe asks for one subject; the claim's "handler IN (...)" selects nearly every pending row (an
-- application has one or a few handlers) and is left as a filter on the due rows read from the index above.
CREATE INDEX aurora_handler_deliveries_pending_subject ON aurora_handler_deliveries (subject, handler, id)
    WHERE status = 'pending';
-- Dead letters by when they died; done rows by when they finished (retention).
CREATE INDEX aurora_handler_deliveries_finished ON aurora_handler_deliveries (status, finished_at)
    WHERE status <> 'pending';
DROP INDEX aurora_handler_deliveries_due;
DROP INDEX aurora_handler_deliveries_subject;
