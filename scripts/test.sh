#!/usr/bin/env bash
# `make test`: installs what is missing and runs every check: format, clippy (server and wasm),
# the SQL metadata check, unit + database + HTTP tests, and the browser tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh test
started=$SECONDS
step() { printf '\n==> %s (%ss)\n' "$*" $((SECONDS - started)); }

step "format"
cargo fmt --all --check

step "build (cargo-leptos, debug)"
cargo leptos build

server_bin="$CARGO_TARGET_DIR/debug/server"
test_dir="${TEST_DATA_DIR:-.data/test}"
step "private test PostgreSQL in $test_dir"
DATABASE_URL="$("$server_bin" db start "$test_dir")"
export DATABASE_URL
stop_db() { "$server_bin" db stop "$test_dir" >/dev/null 2>&1 || true; }
trap stop_db EXIT

step "SQL metadata check (.sqlx)"
SQLX_OFFLINE=false RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo sqlx prepare --workspace --check -- -p server -p app --features app/ssr --all-targets

step "clippy (server)"
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo clippy -p server -p app -p routing -p dedup -p sms --features app/ssr --all-targets -- -D warnings
step "clippy (wasm)"
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo clippy -p frontend -p app --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

step "unit, database and HTTP tests"
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo test -p routing -p dedup -p sms
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo test -p app --features ssr
RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo test -p server

step "browser tests (Playwright, Debian chromium)"
(cd end2end && { [ -d node_modules/@playwright/test ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund; } \
  && SERVER_BIN="$server_bin" npx playwright test)

step "all green"
