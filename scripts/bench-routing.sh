#!/usr/bin/env bash
# `make bench-routing`: the routing engine alone (app/routing/benches/engine.rs), then auto-assign
# end to end against a private PostgreSQL under .data/bench-routing (server/benches/routing.rs).
# Release builds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh test
server_bin="$CARGO_TARGET_DIR/debug/server"
[ -x "$server_bin" ] || cargo leptos build
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo bench -p routing --bench engine
DATABASE_URL="$("$server_bin" db start .data/bench-routing)"
export DATABASE_URL
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo bench -p server --bench routing
