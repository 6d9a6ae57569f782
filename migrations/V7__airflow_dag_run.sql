-- The Airflow DAG run that launched an experiment (the saesplit_experiment DAG, or any DAG calling
-- 'saesplit submit --start --airflow-dag-run'), and where to see it: the link between the two systems' records.
ALTER TABLE experiments ADD COLUMN airflow_dag_id TEXT;
ALTER TABLE experiments ADD COLUMN airflow_dag_run_id TEXT;
ALTER TABLE experiments ADD COLUMN airflow_url TEXT;
