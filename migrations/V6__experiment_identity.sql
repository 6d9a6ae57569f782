-- An experiment's identity beyond its name. Installations (each with its own PostgreSQL) that run experiments of
-- the same name against one shared MLflow server must not find and append to each other's tracked runs: the
-- runs' key tag carries this UUID. Existing experiments get one now; their recorded MLflow run ids stay valid.
ALTER TABLE experiments ADD COLUMN uid UUID NOT NULL DEFAULT gen_random_uuid();
