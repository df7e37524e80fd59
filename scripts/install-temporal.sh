#!/usr/bin/env bash
# Installs the Temporal CLI (which carries the dev server) into .tools/bin once; later runs reuse it.
# v1.5.1 is pinned: newer tags carry a `replace` directive and cannot be `go install`ed.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.tools/bin/temporal
if [ -x "$bin" ]; then exit 0; fi
if ! command -v go >/dev/null 2>&1; then
  echo "The Temporal CLI is missing and Go is not installed. Install Go (https://go.dev/dl) or put 'temporal' at $bin." >&2
  exit 1
fi
echo "Building the Temporal CLI v1.5.1 into .tools/bin (a few minutes, once)..." >&2
GOBIN="$PWD/.tools/bin" go install github.com/temporalio/cli/cmd/temporal@v1.5.1
"$bin" --version >&2
