-- The report stage keeps the outputs it was given, so `saesplit report` can write an experiment's report again
-- from the database and the artifact store alone, and links the page it wrote.
ALTER TABLE experiments ADD COLUMN report_request JSONB;
ALTER TABLE experiments ADD COLUMN report_uri TEXT;

-- Experiment-level tags (MLflow's description of the experiment) travel through the outbox like run tags.
ALTER TABLE tracking_outbox DROP CONSTRAINT tracking_outbox_kind_check;
ALTER TABLE tracking_outbox ADD CONSTRAINT tracking_outbox_kind_check
    CHECK (kind IN ('start', 'tags', 'artifact', 'end', 'experiment_tags'));
