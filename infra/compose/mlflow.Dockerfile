# MLflow's own image plus the PostgreSQL driver its backend store needs (and boto3 for an S3 artifact destination).
ARG MLFLOW_VERSION
FROM ghcr.io/mlflow/mlflow:v${MLFLOW_VERSION}
ARG PSYCOPG2_VERSION
RUN pip install --no-cache-dir "psycopg2-binary==${PSYCOPG2_VERSION}" boto3
