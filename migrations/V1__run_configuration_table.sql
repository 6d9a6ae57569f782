-- saesplit's system of record. Every write is an idempotent upsert keyed by the natural ids below, so a
-- retried activity or a re-submitted spec never duplicates a row.

CREATE TABLE experiments (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         TEXT        NOT NULL UNIQUE,
    description  TEXT        NOT NULL DEFAULT '',
    spec_yaml    TEXT        NOT NULL,
    spec_hash    TEXT        NOT NULL,
    spec_source  TEXT        NOT NULL DEFAULT '',
    status       TEXT        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    workflow_id  TEXT,
    mlflow_experiment_id TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The run-configuration table: one row per run-table row of a spec, with its configuration, its state
-- and its result.
CREATE TABLE runs (
    experiment_id BIGINT      NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    run_id        TEXT        NOT NULL,
    position      INTEGER     NOT NULL,
    purpose       TEXT        NOT NULL DEFAULT '',
    width         INTEGER     NOT NULL CHECK (width > 0),
    seed          BIGINT      NOT NULL,
    init          TEXT        NOT NULL CHECK (init IN ('random', 'narrow')),
    normalised    BOOLEAN     NOT NULL,
    data          TEXT        NOT NULL CHECK (data IN ('all', 'filtered')),
    loss          TEXT        NOT NULL CHECK (loss IN ('standard', 'zero-target')),
    tokens        BIGINT      NOT NULL CHECK (tokens > 0),
    reported      TEXT        NOT NULL DEFAULT '',
    status        TEXT        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    split_success TEXT CHECK (split_success IN ('yes', 'no', 'partial')),
    split_detail  TEXT,
    workflow_id   TEXT,
    mlflow_run_id TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at    TIMESTAMPTZ,
    finished_at   TIMESTAMPTZ,
    PRIMARY KEY (experiment_id, run_id),
    UNIQUE (experiment_id, position) DEFERRABLE INITIALLY DEFERRED
);

-- Content-addressed outputs of activities (activation caches, SAEs, filtered index sets, reports). The
-- key is what determines the content, so a second experiment needing the same output finds it here.
CREATE TABLE artifacts (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT        NOT NULL,
    output_key    TEXT        NOT NULL,
    uri           TEXT        NOT NULL,
    content_hash  TEXT        NOT NULL,
    size_bytes    BIGINT      NOT NULL CHECK (size_bytes >= 0),
    producer      TEXT        NOT NULL,
    experiment_id BIGINT REFERENCES experiments (id) ON DELETE SET NULL,
    run_id        TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (kind, output_key)
);

-- Metric points of every run; (run, key, step) is the natural id, so a retried write is a no-op.
-- run_id '' holds experiment-level points (narrow SAE, data selection).
CREATE TABLE metrics (
    experiment_id BIGINT           NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    run_id        TEXT             NOT NULL,
    key           TEXT             NOT NULL,
    step          BIGINT           NOT NULL,
    value         DOUBLE PRECISION NOT NULL,
    recorded_at   TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (experiment_id, run_id, key, step)
);
