-- Schema version 3: every lead a reconcile pass checks is counted in exactly one category. Leads Aurora
-- answers 404 for that the store never had (or had already marked gone) get their own count.
ALTER TABLE aurora_reconcile_runs ADD COLUMN not_found INTEGER NOT NULL DEFAULT 0;
