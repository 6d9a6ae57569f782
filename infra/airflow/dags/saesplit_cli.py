"""Runs the saesplit command line from Airflow tasks: the checkout's ./saesplit, or $SAESPLIT_CLI when set.

Every task prints the command's output, so it is in the task's log; a failed command fails the task without
retries (saesplit exits 2 on bad input and 1 on a runtime failure, and says why on standard error).
"""
import os
import shlex
import subprocess
from pathlib import Path

from airflow.sdk.exceptions import AirflowFailException

ROOT = Path(os.environ.get("SAESPLIT_ROOT") or Path(__file__).resolve().parents[3])


def command() -> list[str]:
    configured = os.environ.get("SAESPLIT_CLI", "").strip()
    return shlex.split(configured) if configured else [str(ROOT / "saesplit")]


def saesplit(*args: str) -> str:
    """Runs `saesplit ARGS` in the checkout and returns its standard output; raises when it fails."""
    result = subprocess.run(command() + list(args), cwd=ROOT, capture_output=True, text=True)
    if result.stdout.strip():
        print(result.stdout.rstrip())
    if result.stderr.strip():
        print(result.stderr.rstrip())
    if result.returncode != 0:
        raise AirflowFailException(f"saesplit {args[0]} failed (exit {result.returncode}): "
                                   f"{result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def spec_path(spec: str) -> str:
    """A spec given relative to the checkout (as in the README) or absolute."""
    path = Path(spec)
    return str(path if path.is_absolute() else ROOT / path)


def experiment_folders() -> list[Path]:
    """Where experiment specs may live: the checkout's experiments/ and each folder in $SAESPLIT_SPEC_DIRS."""
    configured = [Path(p) for p in os.environ.get("SAESPLIT_SPEC_DIRS", "").split(os.pathsep) if p.strip()]
    return [folder.resolve() for folder in [ROOT / "experiments", *configured]]


def experiment_spec(spec: str) -> str:
    """The spec path, refused unless it resolves (links followed) to a YAML file inside an experiment folder.

    Whoever may trigger a DAG must not be able to make saesplit read, and its task log show, any other file
    the workers can read (the state directory's database password, say). The file itself is never printed.
    """
    path = Path(spec_path(spec)).resolve()
    folders = experiment_folders()
    if path.suffix not in (".yaml", ".yml") or not any(path.is_relative_to(f) for f in folders):
        raise AirflowFailException(f"spec {spec!r} is not a .yaml file inside the experiment folders "
                                   f"({', '.join(str(f) for f in folders)}); add its folder to SAESPLIT_SPEC_DIRS")
    return str(path)
