#!/usr/bin/env bash
# Regenerates .sqlx/ (the offline query metadata that lets everything compile without a database)
# against a private, freshly migrated test database.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh test
server_bin="$CARGO_TARGET_DIR/debug/server"
# The binary only starts the database; one built before the query change serves (building now
# would need the very metadata this script writes).
[ -x "$server_bin" ] || cargo leptos build
DATABASE_URL="$("$server_bin" db start .data/test)"
export DATABASE_URL
SQLX_OFFLINE=false RUSTFLAGS="$LEPTOS_DEBUG_RUSTFLAGS" cargo sqlx prepare --workspace -- -p server -p app --features app/ssr --all-targets
