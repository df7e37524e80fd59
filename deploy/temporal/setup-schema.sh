#!/bin/sh
# The schema job: creates Temporal's two PostgreSQL databases when missing and brings both schemas to the
# version this temporal-sql-tool carries. Idempotent: run it before every server upgrade, and as often as
# you like (setup-schema -v 0.0 leaves a newer schema alone; update-schema applies only what is missing).
# Runs in temporalio/admin-tools (docker-compose.yml's temporal-schema job) and on this machine
# (npm run stack:server, with the source-built tool), so both topologies migrate the same way.
#
#   TEMPORAL_DB_HOST TEMPORAL_DB_PORT (5432) TEMPORAL_DB_USER TEMPORAL_DB_PASSWORD   a role allowed to
#                          create databases (or owning the two databases, created beforehand)
#   TEMPORAL_DB_NAME (temporal) TEMPORAL_VISIBILITY_DB_NAME (temporal_visibility)
#   TEMPORAL_SQL_TOOL (temporal-sql-tool)
#   TEMPORAL_SCHEMA_DIR    the schema tree (admin-tools: /etc/temporal/schema); unset: the schema embedded
#                          in the tool itself (--schema-name), which is always the tool's own version
set -eu
: "${TEMPORAL_DB_HOST:?TEMPORAL_DB_HOST must name the PostgreSQL host}"
: "${TEMPORAL_DB_USER:?TEMPORAL_DB_USER must name the PostgreSQL role}"
tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
# The tool reads the password from SQL_PASSWORD, so it never shows in a process list.
export SQL_PASSWORD="${TEMPORAL_DB_PASSWORD:-}"
attempts="${SCHEMA_JOB_ATTEMPTS:-30}"

sql() { # sql <database> <command> [args…]
  db="$1"
  shift
  "$tool" --plugin postgres12 --ep "$TEMPORAL_DB_HOST" -p "${TEMPORAL_DB_PORT:-5432}" -u "$TEMPORAL_DB_USER" --db "$db" "$@"
}

for store in temporal visibility; do
  if [ "$store" = temporal ]; then db="${TEMPORAL_DB_NAME:-temporal}"; else db="${TEMPORAL_VISIBILITY_DB_NAME:-temporal_visibility}"; fi
  # create-database succeeds when the database is already there; a real problem (no such role, no CREATEDB)
  # is printed, and the setup-schema below then fails loudly.
  if out=$(sql "$db" create-database --defaultdb postgres 2>&1); then
    echo "schema job: database $db is there (created now, or already)"
  elif echo "$out" | grep -q 'already exists'; then
    echo "schema job: database $db exists"
  else
    echo "$out" >&2
    echo "schema job: could not create database $db (above); trying to set it up anyway"
  fi
  if [ -n "${TEMPORAL_SCHEMA_DIR:-}" ]; then
    source_args="-d $TEMPORAL_SCHEMA_DIR/postgresql/v12/$store/versioned"
  else
    source_args="--schema-name postgresql/v12/$store"
  fi
  # Retried: PostgreSQL may still be starting (compose waits for its healthcheck; a plain host may not).
  n=0
  until sql "$db" setup-schema -v 0.0; do
    n=$((n + 1))
    if [ "$n" -ge "$attempts" ]; then
      echo "schema job: could not set up $db on $TEMPORAL_DB_HOST:${TEMPORAL_DB_PORT:-5432} as $TEMPORAL_DB_USER after $attempts attempts" >&2
      exit 1
    fi
    echo "schema job: waiting for PostgreSQL ($n/$attempts)"
    sleep 2
    sql "$db" create-database --defaultdb postgres >/dev/null 2>&1 || true
  done
  # shellcheck disable=SC2086 # source_args is two words on purpose
  sql "$db" update-schema $source_args
  echo "schema job: $db is at the tool's $store schema version"
done
