# Sourced by the bench scripts: pinned tools, the debug server binary (it manages the private
# databases), and a private PostgreSQL under the folder given ($1), exported as DATABASE_URL. Its
# data is kept between runs.
source scripts/env.sh test
server_bin="$CARGO_TARGET_DIR/debug/server"
[ -x "$server_bin" ] || cargo leptos build
DATABASE_URL="$("$server_bin" db start "$1")"
export DATABASE_URL
