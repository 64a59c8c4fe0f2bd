#!/usr/bin/env bash
# `make bench-messaging`: segment counting and template rendering alone (app/sms/benches), then
# the attempt write with and without its SMS enqueued, and outbox throughput through the mock
# provider with one and two workers, against a private PostgreSQL under .data/bench-messaging
# (server/benches/messaging.rs). Release builds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-db.sh .data/bench-messaging
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo bench -p sms --bench segments
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo bench -p server --bench messaging
