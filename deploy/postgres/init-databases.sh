#!/bin/sh
# Runs once, when the postgres container initialises an empty data directory (docker-entrypoint-initdb.d):
# one role and database for the app, one role for Temporal with its two databases (persistence and
# visibility). The app cannot read Temporal's tables and Temporal cannot read the app's; the superuser
# `postgres` is only for this script and for operators.
set -eu
: "${INTELLISEND_DB_PASSWORD:?}" "${TEMPORAL_DB_PASSWORD:?}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_pw="$INTELLISEND_DB_PASSWORD" -v temporal_pw="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE intellisend LOGIN PASSWORD :'app_pw';
CREATE DATABASE intellisend OWNER intellisend;
CREATE ROLE temporal LOGIN PASSWORD :'temporal_pw';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
REVOKE ALL ON DATABASE intellisend FROM PUBLIC;
REVOKE ALL ON DATABASE temporal FROM PUBLIC;
REVOKE ALL ON DATABASE temporal_visibility FROM PUBLIC;
SQL
