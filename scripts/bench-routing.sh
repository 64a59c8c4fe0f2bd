#!/usr/bin/env bash
# `make bench-routing`: the routing engine alone (app/routing/benches/engine.rs), then auto-assign
# end to end against a private PostgreSQL under .data/bench-routing (server/benches/routing.rs).
# Release builds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-db.sh .data/bench-routing
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo bench -p routing --bench engine
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo bench -p server --bench routing
