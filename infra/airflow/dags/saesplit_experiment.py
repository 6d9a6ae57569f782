"""Runs one saesplit experiment from Airflow: validate its spec, submit and start it on the shared Temporal
server (saesplit workers run elsewhere), and wait for it without holding a worker slot.

Trigger with conf {"spec": "experiments/quickstart.yaml"} (a path relative to the saesplit checkout, or
absolute, inside the checkout's experiments/ or a folder of $SAESPLIT_SPEC_DIRS), from the UI or with `saesplit airflow trigger SPEC`. The wait is a reschedule-mode sensor: between
polls of `saesplit status EXPERIMENT --format json` the slot is free. A failed experiment fails the task, and
the run table is in its log either way. The DAG run is recorded with the experiment (PostgreSQL) and tagged on
its MLflow parent run.
"""
import json
import os
from datetime import timedelta
from pathlib import Path

import pendulum
import yaml
from airflow.sdk import Param, dag, task
from airflow.sdk.bases.sensor import PokeReturnValue
from airflow.sdk.exceptions import AirflowFailException

from saesplit_cli import experiment_spec, saesplit

DAG_ID = "saesplit_experiment"


@dag(
    dag_id=DAG_ID,
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["saesplit"],
    params={"spec": Param("experiments/quickstart.yaml", type="string",
                          description="The experiment spec: a path relative to the saesplit checkout, or absolute.")},
    doc_md=__doc__,
)
def saesplit_experiment():
    @task(retries=0)
    def validate(params=None) -> dict:
        spec = experiment_spec(params["spec"])
        saesplit("validate", spec)
        name = yaml.safe_load(Path(spec).read_text())["name"]
        return {"spec": spec, "experiment": name}

    @task(retries=0)
    def launch(validated: dict, dag_run=None) -> str:
        base = os.environ.get("SAESPLIT_AIRFLOW_URL", "").rstrip("/")
        url = f"{base}/dags/{DAG_ID}/runs/{dag_run.run_id}" if base else ""
        saesplit("submit", "--start", "--airflow-dag", DAG_ID, "--airflow-dag-run", dag_run.run_id,
                 "--airflow-url", url, validated["spec"])
        return validated["experiment"]

    @task.sensor(poke_interval=10, timeout=timedelta(days=7).total_seconds(), mode="reschedule")
    def wait(experiment: str) -> PokeReturnValue:
        state = json.loads(saesplit("status", experiment, "--format", "json"))
        if state["state"] == "running":
            return PokeReturnValue(is_done=False)
        saesplit("table", experiment)
        if state["state"] != "succeeded":
            raise AirflowFailException(f"experiment '{experiment}' {state['state']}: {state.get('failure', '')}")
        return PokeReturnValue(is_done=True, xcom_value=state)

    wait(launch(validate()))


saesplit_experiment()
