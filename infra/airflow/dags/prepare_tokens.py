"""An upstream data pipeline saesplit can wait on: tokenizes a folder of text files into a `.npy` token array.

The `*.txt` files, in name order, are tokenized with a tokenizer.json (Hugging Face `tokenizers`, offline) into one
1-D int32 token stream, `tokens.npy` (saesplit reads a 1-D array as one document and cuts it into contexts). Its
path is pushed as the XCom `path`: an experiment whose `activations.after` names this DAG reads its dataset from
there (see docs/airflow.md).
"""
import os
from pathlib import Path

import numpy as np
import pendulum
from airflow.sdk import Param, dag, task
from airflow.sdk.exceptions import AirflowFailException

from saesplit_cli import ROOT, spec_path


@dag(
    dag_id="prepare_tokens",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["saesplit", "data"],
    params={
        "text_dir": Param("experiments/texts", type="string",
                          description="Folder of .txt files (relative to the saesplit checkout, or absolute)."),
        "tokenizer": Param("activities/src/test/resources/lm/tokens/tokenizer.json", type="string",
                           description="A Hugging Face tokenizer.json."),
        "output_dir": Param("", type="string",
                            description="Where the .npy files go; empty: $SAESPLIT_HOME/prepared-tokens/<run id>."),
    },
    doc_md=__doc__,
)
def prepare_tokens():
    @task(retries=0)
    def tokenize(params=None, dag_run=None, ti=None) -> str:
        from tokenizers import Tokenizer

        text_dir = Path(spec_path(params["text_dir"]))
        files = sorted(text_dir.glob("*.txt"))
        if not files:
            raise AirflowFailException(f"no .txt files in {text_dir}")
        tokenizer = Tokenizer.from_file(spec_path(params["tokenizer"]))
        safe_run_id = "".join(c if c.isalnum() or c in "-_." else "_" for c in dag_run.run_id)
        home = Path(os.environ.get("SAESPLIT_HOME") or ROOT / ".saesplit")
        out = Path(spec_path(params["output_dir"])) if params["output_dir"] else home / "prepared-tokens" / safe_run_id
        out.mkdir(parents=True, exist_ok=True)
        streams = []
        for file in files:
            streams.append(np.asarray(tokenizer.encode(file.read_text(encoding="utf-8")).ids, dtype=np.int32))
            print(f"{file.name}: {streams[-1].size} tokens")
        tokens = out / "tokens.npy"
        np.save(tokens, np.concatenate(streams))
        print(f"{sum(s.size for s in streams)} tokens from {len(files)} file(s) in {tokens}")
        ti.xcom_push(key="path", value=str(tokens))
        return str(tokens)

    tokenize()


prepare_tokens()
