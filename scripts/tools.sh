#!/usr/bin/env bash
# Installs the build and test tools this project pins, once per machine, into a cache outside the
# clone keyed by version, and prints the PATH entries to use. Safe to run again: present tools are
# skipped. Nothing here downloads from GitHub (unreachable on our machines): crates.io, npm and
# Debian's packages only.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130
SQLX_CLI_VERSION=0.8.6
BINARYEN_VERSION=132.0.0

TOOLS_DIR="${ECO_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ecomanager-cs/tools}"
mkdir -p "$TOOLS_DIR"

log() { printf '[tools] %s\n' "$*" >&2; }

cargo_tool() { # name version binary -- extra cargo install args
  local name=$1 version=$2 bin=$3; shift 3
  local root="$TOOLS_DIR/$name-$version"
  if [ ! -x "$root/bin/$bin" ]; then
    log "installing $name $version into $root (one time per machine)"
    cargo install --root "$root" "$name" --version "$version" "$@" >&2
  fi
  printf '%s/bin\n' "$root"
}

apt_install() { # packages...
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2; }
  elif command -v sudo >/dev/null 2>&1; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2 \
      || { sudo apt-get update >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2; }
  else
    log "please install the Debian packages: $*  (apt-get install $*)"; exit 1
  fi
}

want=${1:-all}
paths=()

# wasm32 target (pinned in rust-toolchain.toml; rustup adds it on first use, this makes it explicit)
if ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"; rustup target add wasm32-unknown-unknown >&2
fi

paths+=("$(cargo_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen)")
paths+=("$(cargo_tool cargo-leptos "$CARGO_LEPTOS_VERSION" cargo-leptos --locked --debug --features no_downloads)")

# npm's binaryen: Debian's wasm-opt 108 silently breaks the release wasm (see ../shared/STACK.md).
bdir="$TOOLS_DIR/binaryen-$BINARYEN_VERSION"
if [ ! -x "$bdir/node_modules/.bin/wasm-opt" ]; then
  log "installing npm binaryen $BINARYEN_VERSION"
  mkdir -p "$bdir"
  npm install --silent --no-audit --no-fund --prefix "$bdir" "binaryen@$BINARYEN_VERSION" >&2
fi
paths+=("$bdir/node_modules/.bin")

if [ "$want" = all ] || [ "$want" = test ]; then
  paths+=("$(cargo_tool sqlx-cli "$SQLX_CLI_VERSION" cargo-sqlx --no-default-features --features postgres,rustls)")
  if [ ! -x /usr/bin/chromium ]; then
    log "installing Debian's chromium for the browser tests"
    apt_install chromium
  fi
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  log "installing PostgreSQL server binaries"
  apt_install postgresql
fi

IFS=:; printf '%s\n' "${paths[*]}"
