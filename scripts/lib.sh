# Shared by scripts/run and scripts/test: install what is missing (and skip
# what is present), saying what happens as it goes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Builds live outside the clone, so a fresh clone (and CI) reuses them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/roster/target}"
# Compile-time query checks read the committed .sqlx/ data, never a live
# database that happens to be named in the environment.
export SQLX_OFFLINE=true
TOOLS="$HOME/.cache/roster/tools"
export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"

# CI builds every workspace crate from scratch (a clean clone): the
# incremental caches would only be written, never read.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi

# Each step says how long the one before it took, and `step_times` lists
# them all at the end, so the next slow step shows where it is.
SCRIPT_STARTED="$(date +%s)"
STEP_NAME=""
STEP_STARTED="$SCRIPT_STARTED"
STEP_TIMES=()
end_step() {
  local now
  now="$(date +%s)"
  if [ -n "$STEP_NAME" ]; then
    STEP_TIMES+=("$(printf '%6ss  %s' "$((now - STEP_STARTED))" "$STEP_NAME")")
  fi
  STEP_STARTED="$now"
}
step() {
  end_step
  STEP_NAME="$*"
  printf '\n\033[1m==> %s\033[0m\n' "$*"
}
step_times() {
  end_step
  STEP_NAME=""
  printf '\nStep times:\n'
  printf '    %s\n' "${STEP_TIMES[@]}"
  printf '    %6ss  in all\n' "$(($(date +%s) - SCRIPT_STARTED))"
}
note() { printf '    %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

ensure_rust() {
  step "Rust toolchain"
  command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first (https://rustup.rs)"; exit 1; }
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    note "wasm32-unknown-unknown target: present"
  else
    note "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_node() {
  command -v npm >/dev/null || { echo "npm not found: install Node.js first"; exit 1; }
}

# What `cargo xtask site` runs besides cargo: wasm-opt (npm's binaryen:
# Debian's wasm-opt 108 produces bundles that fail at hydration), terser
# and lightningcss. Released binaries from npm, at the versions
# scripts/build-tools/package-lock.json pins, under ~/.cache, first on PATH.
ensure_build_tools() {
  step "Build tools (wasm-opt, terser, lightningcss from npm)"
  ensure_node
  if cmp -s scripts/build-tools/package-lock.json "$TOOLS/package-lock.json" &&
    [ -x "$TOOLS/node_modules/.bin/wasm-opt" ] && [ -x "$TOOLS/node_modules/.bin/terser" ] &&
    [ -x "$TOOLS/node_modules/.bin/lightningcss" ]; then
    note "present in $TOOLS"
  else
    note "npm ci in $TOOLS"
    mkdir -p "$TOOLS"
    cp scripts/build-tools/package.json scripts/build-tools/package-lock.json "$TOOLS/"
    # From inside: `npm ci --prefix` run elsewhere was seen to download
    # everything, install nothing and exit 0.
    (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_postgres() {
  step "PostgreSQL server binaries"
  if command -v initdb >/dev/null && command -v postgres >/dev/null; then
    note "found on PATH: $(command -v postgres)"
  elif ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    note "found: $(ls -d /usr/lib/postgresql/*/bin | tail -n1)"
  else
    note "installing the postgresql package (the embedded database needs its server binaries)"
    apt_install postgresql
    # Roster starts its own cluster; the distribution's default one is not needed.
    as_root service postgresql stop >/dev/null 2>&1 || true
  fi
}

ensure_chromium() {
  step "Chromium"
  if [ -x /usr/bin/chromium ]; then
    note "present: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  else
    note "installing Debian's chromium (Playwright drives it; no browser download)"
    apt_install chromium
  fi
}

ensure_e2e_packages() {
  step "End-to-end test packages"
  ensure_node
  if [ -d end2end/node_modules/@playwright/test ] && [ end2end/node_modules/.package-lock.json -nt end2end/package-lock.json ]; then
    note "end2end/node_modules: up to date"
  else
    note "npm ci in end2end/"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
}

# Builds what browsers download: both WASM bundles, their glue, the
# stylesheet and public/ (Cargo.toml's [[workspace.metadata.leptos]];
# xtask/src/main.rs says how).
build_site() {
  step "Browser bundles (cargo xtask site)"
  cargo xtask site
}

# Names the browser's files by content and compresses them once, with the
# server binary given (`roster assets`).
name_assets() {
  step "Naming the browser's files by content; brotli and gzip copies"
  "$1" assets target/site target/site-invitee/pkg
}

# Runs `with-db` of the debug build: COMMAND with DATABASE_URL naming a
# fresh, migrated database in DIR (which must not exist; removed after).
with_fresh_db() {
  local dir="$1"
  shift
  mkdir -m 755 "$dir"
  local status=0
  ROSTER_DATA_DIR="$dir" "$CARGO_TARGET_DIR/debug/roster" with-db -- "$@" || status=$?
  rm -rf "$dir"
  return "$status"
}

# Compiles the app's queries against a fresh, migrated database (in
# DB_DIR), writing what sqlx checked of each (its offline data) into
# OUT_DIR, which must be new; then runs the rest of the arguments with that
# compile. The macros write only when they run, so the app crate is made
# to compile again.
compile_queries_into() {
  local out="$1" db="$2"
  shift 2
  mkdir "$out"
  touch app/src/lib.rs
  with_fresh_db "$db" env SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$(cd "$out" && pwd)" "$@"
}

# The invitee pages' download (their bundle's JS and WASM, brotli), in
# bytes. A ratchet: lower it when a change makes the bundle smaller, never
# raise it; scripts/test fails above it.
INVITEE_BUDGET="$(cat "$ROOT/scripts/invitee-budget")"

# Prints each bundle's size as browsers receive it (the build's brotli
# copies), and sets INVITEE_BYTES.
bundle_sizes() {
  step "Bundle sizes (raw, brotli as served)"
  local f name raw br
  INVITEE_BYTES=0
  for f in target/site/pkg/*-????????????????.wasm target/site/pkg/*-????????????????.js target/site/pkg/*-????????????????.css; do
    [ -f "$f" ] || continue
    name="$(basename "$f")"
    raw="$(stat -c %s "$f")"
    br="$(stat -c %s "$f.br")"
    note "$name: $raw bytes, $br brotli"
    case "$name" in
      invitee-*.js | invitee-*.wasm) INVITEE_BYTES=$((INVITEE_BYTES + br)) ;;
    esac
  done
  note "invitee pages download (JS + WASM, brotli): $INVITEE_BYTES bytes; budget $INVITEE_BUDGET"
}

# Fails when the invitee pages' download is over its budget.
check_invitee_budget() {
  if [ "$INVITEE_BYTES" -eq 0 ]; then
    echo "no invitee bundle was built"; exit 1
  fi
  if [ "$INVITEE_BYTES" -gt "$INVITEE_BUDGET" ]; then
    echo "the invitee pages' download is $INVITEE_BYTES bytes (brotli), over its budget of $INVITEE_BUDGET (scripts/invitee-budget)"
    exit 1
  fi
}

# For the measuring scripts: builds the test build in release mode
# (release/roster-test-hooks; or takes $ROSTER_LOAD_BIN), starts it on a
# fresh embedded database and a free port, and waits until it answers.
# Sets WORK, BASE, LOG and SERVER_PID; stops the server and removes WORK on
# exit. The site must have been built (scripts/run or scripts/test).
start_test_build() {
  local bin="${ROSTER_LOAD_BIN:-}"
  if [ -z "$bin" ]; then
    step "Building the test build (release)"
    cargo build --release -p server --bin roster-test-hooks
    bin="$CARGO_TARGET_DIR/release/roster-test-hooks"
  fi
  [ -x "$bin" ] || { echo "no $bin"; exit 1; }
  WORK="$(mktemp -d /tmp/roster-load.XXXXXX)"
  chmod 755 "$WORK"
  local port
  port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
  BASE="http://127.0.0.1:$port"
  LOG="$WORK/server.log"
  step "Starting the test build on $BASE"
  ROSTER_TEST_HOOKS=1 ROSTER_DATA_DIR="$WORK/db" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
    PUBLIC_BASE_URL="$BASE" RUST_LOG="${RUST_LOG:-warn}" "$bin" serve >"$LOG" 2>&1 &
  SERVER_PID=$!
  trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
  for _ in $(seq 1 120); do curl -sf "$BASE/healthz" >/dev/null && return; sleep 1; done
  echo "the server did not answer; its log:"; cat "$LOG"; exit 1
}

# For the measuring scripts: a new organisation (through the test build's
# hook) and its admin's session cookie value, in ADMIN_SESSION.
admin_session() {
  local org email password
  org="$(curl -sf -X POST "$BASE/test-support/organisations")"
  email="$(python3 -c "import json,sys; print(json.load(sys.stdin)['admin_email'])" <<<"$org")"
  password="$(python3 -c "import json,sys; print(json.load(sys.stdin)['password'])" <<<"$org")"
  ADMIN_SESSION="$(curl -s -D - -o /dev/null -H 'sec-fetch-site: same-origin' \
    --data-urlencode "email=$email" --data-urlencode "password=$password" "$BASE/api/sign_in" \
    | sed -n 's/^[Ss]et-[Cc]ookie: roster_session=\([^;]*\).*/\1/p' | tr -d '\r')"
}

ensure_wrk() {
  command -v wrk >/dev/null || { step "Installing wrk"; apt_install wrk; }
}
