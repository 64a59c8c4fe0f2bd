#!/usr/bin/env bash
# `make bench-dashboard`: the dashboard request and the live stream's latency against the 1 M-order
# private database under .data/bench (loaded on first use, shared with bench-confirmation).
# Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-db.sh .data/bench
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo bench -p server --bench dashboard
