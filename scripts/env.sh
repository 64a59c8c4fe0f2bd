# Sourced by the other scripts: the per-machine cache, the pinned tools on PATH, shared build dir.
# Usage: source scripts/env.sh run|test
ECO_CACHE="${ECO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ecomanager-cs}"
export ECO_TOOLS_DIR="${ECO_TOOLS_DIR:-$ECO_CACHE/tools}"
# One target directory per machine, shared by every clone: dependencies build once; CI's fresh
# clones only rebuild the workspace crates.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ECO_CACHE/target}"
# Queries are checked against .sqlx/ (committed); `make sqlx-prepare` refreshes it.
export SQLX_OFFLINE="${SQLX_OFFLINE:-true}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"
tools_path="$(scripts/tools.sh "${1:-all}")"
export PATH="$tools_path:$PATH"
# cargo-leptos builds debug with `--cfg erase_components`; plain cargo commands use the same flags
# so they reuse its artefacts instead of building every dependency again.
export LEPTOS_DEBUG_RUSTFLAGS="--cfg erase_components"
# leptos reads LEPTOS_OUTPUT_NAME at compile time (option_env!); cargo-leptos sets it. Setting it
# for every cargo command keeps one fingerprint, so `cargo test` and clippy do not rebuild leptos
# and do not overwrite the server binary with one that looks for `<name>_bg.wasm`.
export LEPTOS_OUTPUT_NAME=ecomanager-cs
