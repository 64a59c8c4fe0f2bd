#!/usr/bin/env bash
# `make bench-intelligence`: duplicate checks, re-scan and reclassification against the 1 M-order
# private database under .data/bench (loaded on first use, shared with bench-confirmation), then
# the dedup crate's evaluation on labelled generated orders. Release builds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-db.sh .data/bench
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo bench -p server --bench intelligence
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo bench -p dedup --bench eval
