"""An Asset-scheduled sweep: re-runs a saesplit experiment whenever the model checkpoint it studies is updated.

Any DAG that writes a new checkpoint declares `outlets=[CHECKPOINT]` (or an asset event is posted through
Airflow's REST API); this DAG then triggers `saesplit_experiment` with the sweep's spec. saesplit re-runs only
what the new inputs change: every stage's output is content-addressed.
"""
import pendulum
from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import Asset, dag

CHECKPOINT = Asset("file:///models/gelu-1l/checkpoint.safetensors", group="model")


@dag(
    dag_id="saesplit_on_checkpoint",
    schedule=[CHECKPOINT],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    # Paused until its spec names real files: point conf's spec at your sweep, then unpause it.
    is_paused_upon_creation=True,
    tags=["saesplit"],
    doc_md=__doc__,
)
def saesplit_on_checkpoint():
    TriggerDagRunOperator(
        task_id="rerun_sweep",
        trigger_dag_id="saesplit_experiment",
        conf={"spec": "experiments/hyphen-240.yaml"},
        wait_for_completion=False,
    )


saesplit_on_checkpoint()
