#!/bin/sh
# The namespace job: waits for the Temporal frontend, creates our namespace (retention configurable) and
# registers our search attributes, retrying each step until the server has it. Idempotent: what exists is
# left alone (a namespace's retention is only set when it is created: change it with
# `temporal operator namespace update --retention`).
# Runs in temporalio/admin-tools (docker-compose.yml's temporal-namespace job) and on this machine
# (npm run stack:server, with .tools/bin/temporal).
#
#   TEMPORAL_ADDRESS (temporal:7233)  TEMPORAL_NAMESPACE (default)  TEMPORAL_RETENTION (7d)
#   TEMPORAL_CLI (temporal)  SEARCH_ATTRIBUTES_FILE (next to this script)
#   NAMESPACE_JOB_ATTEMPTS (90, two seconds apart)
set -eu
address="${TEMPORAL_ADDRESS:-temporal:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
retention="${TEMPORAL_RETENTION:-7d}"
cli="${TEMPORAL_CLI:-temporal}"
attributes="${SEARCH_ATTRIBUTES_FILE:-$(dirname "$0")/search-attributes}"
attempts="${NAMESPACE_JOB_ATTEMPTS:-90}"

retry() { # retry <what> <command…>: until it succeeds, or fail loudly after $attempts tries
  what="$1"
  shift
  n=0
  until "$@" >/dev/null 2>&1; do
    n=$((n + 1))
    if [ "$n" -ge "$attempts" ]; then
      echo "namespace job: gave up waiting for $what after $attempts attempts; last try said:" >&2
      "$@" >&2 || true
      exit 1
    fi
    echo "namespace job: waiting for $what ($n/$attempts)"
    sleep 2
  done
}

registered() { "$cli" operator search-attribute list --namespace "$namespace" --address "$address" | grep -qw "$1"; }
create_attribute() { registered "$1" || "$cli" operator search-attribute create --namespace "$namespace" --address "$address" --name "$1" --type "$2"; }
create_namespace() {
  "$cli" operator namespace describe --namespace "$namespace" --address "$address" ||
    "$cli" operator namespace create --namespace "$namespace" --address "$address" --retention "$retention"
}

retry "the Temporal frontend at $address" "$cli" operator cluster health --address "$address"
if "$cli" operator namespace describe --namespace "$namespace" --address "$address" >/dev/null 2>&1; then
  echo "namespace job: namespace $namespace exists"
else
  retry "namespace $namespace to be created" create_namespace
  echo "namespace job: created namespace $namespace (retention $retention)"
fi
# Registration fails with "namespace not found" until every frontend has loaded the new namespace: retried.
grep -v '^[[:space:]]*\(#\|$\)' "$attributes" | while read -r name type; do
  if registered "$name"; then
    echo "namespace job: search attribute $name already registered"
  else
    retry "search attribute $name" create_attribute "$name" "$type"
    echo "namespace job: registered search attribute $name ($type)"
  fi
done
echo "namespace job: done"
