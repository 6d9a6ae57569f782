-- Tracking: everything that must reach MLflow is written here first and delivered by a sync step, so an
-- MLflow outage loses nothing and a retry never duplicates a metric point.

-- The canonical spec, from which the parent run's params derive.
ALTER TABLE experiments ADD COLUMN spec_json JSONB;
ALTER TABLE experiments ADD COLUMN mlflow_parent_run_id TEXT;

-- Metric points are their own outbox. recorded_ms is the point's MLflow timestamp, fixed at first write;
-- send_attempted marks points a sync sent without learning the outcome, to be reconciled against MLflow's
-- history before any resend.
ALTER TABLE metrics ADD COLUMN recorded_ms BIGINT NOT NULL
    DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT;
ALTER TABLE metrics ADD COLUMN send_attempted BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE metrics ADD COLUMN synced_at TIMESTAMPTZ;
CREATE INDEX metrics_unsynced ON metrics (experiment_id, run_id) WHERE synced_at IS NULL;

-- Run lifecycle, tags and artifacts waiting for MLflow, in the order they happened.
CREATE TABLE tracking_outbox (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    experiment_id BIGINT      NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    run_id        TEXT        NOT NULL,
    kind          TEXT        NOT NULL CHECK (kind IN ('start', 'tags', 'artifact', 'end')),
    payload       JSONB       NOT NULL DEFAULT '{}',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at       TIMESTAMPTZ,
    error         TEXT
);
CREATE INDEX tracking_outbox_pending ON tracking_outbox (experiment_id, run_id, id) WHERE sent_at IS NULL;
