#!/bin/bash
# Creates the roles and databases of saesplit, Temporal, MLflow and Airflow on the first start of the data volume.
# Passwords come from the container's environment (secrets.env), never from this file.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE saesplit LOGIN PASSWORD '${SAESPLIT_DB_PASSWORD}';
CREATE DATABASE saesplit OWNER saesplit;
CREATE ROLE temporal LOGIN CREATEDB PASSWORD '${TEMPORAL_DB_PASSWORD}';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
CREATE ROLE mlflow LOGIN PASSWORD '${MLFLOW_DB_PASSWORD}';
CREATE DATABASE mlflow OWNER mlflow;
CREATE ROLE airflow LOGIN PASSWORD '${AIRFLOW_DB_PASSWORD}';
CREATE DATABASE airflow OWNER airflow;
SQL
