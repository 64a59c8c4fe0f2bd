#!/usr/bin/env bash
# `make bench-intelligence`: duplicate checks, re-scan and reclassification against the 1 M-order
# private database under .data/bench (loaded on first use, shared with bench-confirmation), then
# the dedup crate's evaluation on labelled generated orders. Release builds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh test
server_bin="$CARGO_TARGET_DIR/debug/server"
[ -x "$server_bin" ] || cargo leptos build
DATABASE_URL="$("$server_bin" db start .data/bench)"
export DATABASE_URL
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo bench -p server --bench intelligence
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo bench -p dedup --bench eval
