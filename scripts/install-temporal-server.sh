#!/usr/bin/env bash
# Installs the Temporal server and its SQL schema tool (v1.29.1, the server version the CLI's dev server
# carries) into .tools/bin once, for `npm run stack:server` and the topology tests; later runs reuse them.
# A built pair is looked for, in order, in .tools/bin, $TEMPORAL_SERVER_CACHE (its bin/ or itself) and
# ~/.cache/intellisend/temporal-server/bin (names `temporal-server`/`temporal-sql-tool`, or `server`/`sql`
# as `go install` names them); a binary of another version is ignored. Otherwise it is built with Go:
# 4 minutes measured on a 2-core machine right after the CLI build (the CLI embeds this same server
# version, so most packages are already in Go's build cache), an estimated 10-15 minutes fully cold; it then stays in
# .tools/bin and is copied to ~/.cache/intellisend/temporal-server/bin (and TEMPORAL_SERVER_CACHE) for the
# next clone. Exit status 3 means "cannot be built here" (no Go and no cached binary): callers may skip.
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.29.1
bin=.tools/bin
home_cache="${HOME:-/root}/.cache/intellisend/temporal-server/bin"

is_version() { # is_version <binary>: runs, and reports this version
  [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q "version ${version}\$"
}
present() { is_version "$bin/temporal-server" && is_version "$bin/temporal-sql-tool"; }
adopt() { # adopt <dir>: copy a cached pair from <dir> when both are this version
  local dir="$1" server sql
  for server in "$dir/temporal-server" "$dir/server"; do is_version "$server" && break; done
  for sql in "$dir/temporal-sql-tool" "$dir/sql"; do is_version "$sql" && break; done
  is_version "$server" && is_version "$sql" || return 1
  mkdir -p "$bin"
  cp "$server" "$bin/temporal-server.tmp" && mv "$bin/temporal-server.tmp" "$bin/temporal-server"
  cp "$sql" "$bin/temporal-sql-tool.tmp" && mv "$bin/temporal-sql-tool.tmp" "$bin/temporal-sql-tool"
  echo "Reusing the Temporal server v${version} and SQL tool from $dir" >&2
}
remember() { # remember <dir>: keep the pair for the next clone on this machine (best effort)
  { mkdir -p "$1" && cp "$bin/temporal-server" "$1/temporal-server.tmp" && mv "$1/temporal-server.tmp" "$1/temporal-server" \
    && cp "$bin/temporal-sql-tool" "$1/temporal-sql-tool.tmp" && mv "$1/temporal-sql-tool.tmp" "$1/temporal-sql-tool" \
    && echo "Cached the Temporal server and SQL tool in $1" >&2; } || echo "Could not cache them in $1 (continuing)" >&2
}

if ! present; then
  for dir in ${TEMPORAL_SERVER_CACHE:+"$TEMPORAL_SERVER_CACHE/bin" "$TEMPORAL_SERVER_CACHE" "$TEMPORAL_SERVER_CACHE/.tools/bin"} "$home_cache"; do
    adopt "$dir" && break
  done
fi
if ! present; then
  if ! command -v go >/dev/null 2>&1; then
    echo "The Temporal server v${version} is missing and Go is not installed: install Go (https://go.dev/dl)," >&2
    echo "or put temporal-server and temporal-sql-tool (v${version}) in $bin or \$TEMPORAL_SERVER_CACHE/bin." >&2
    exit 3
  fi
  echo "Building the Temporal server and SQL tool v${version} into $bin (5-15 minutes, once)..." >&2
  started=$(date +%s)
  build="$bin/.build-$$"
  mkdir -p "$build"
  trap 'rm -rf "$build"' EXIT
  GOBIN="$PWD/$build" go install "go.temporal.io/server/cmd/server@v${version}" "go.temporal.io/server/cmd/tools/sql@v${version}"
  mv "$build/server" "$bin/temporal-server"
  mv "$build/sql" "$bin/temporal-sql-tool"
  echo "Built in $(($(date +%s) - started)) s" >&2
fi
is_version "$home_cache/temporal-server" && is_version "$home_cache/temporal-sql-tool" || remember "$home_cache"
if [ -n "${TEMPORAL_SERVER_CACHE:-}" ] && ! { is_version "$TEMPORAL_SERVER_CACHE/bin/temporal-server" && is_version "$TEMPORAL_SERVER_CACHE/bin/temporal-sql-tool"; }; then
  remember "$TEMPORAL_SERVER_CACHE/bin"
fi
"$bin/temporal-server" --version >&2
