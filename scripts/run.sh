#!/usr/bin/env bash
# `make run`: installs what is missing, builds, and serves on http://127.0.0.1:3000 with its own
# PostgreSQL under .data/ (unless DATABASE_URL is set), demo data on an empty database.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh run
export SEED_DEMO="${SEED_DEMO:-true}"
# served over plain HTTP on this machine: cookies without the Secure flag (true by default)
export COOKIE_SECURE="${COOKIE_SECURE:-false}"
exec cargo leptos serve "$@"
