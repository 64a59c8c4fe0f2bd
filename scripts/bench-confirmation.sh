#!/usr/bin/env bash
# `make bench-confirmation`: the confirmation core with 1 M orders, 500 k customers and 300 agents
# (server/benches/confirmation.rs), against a private PostgreSQL under .data/bench that keeps its
# data between runs (the first run loads it: a few minutes). Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-db.sh .data/bench
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo bench -p server --bench confirmation
