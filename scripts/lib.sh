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

CARGO_LEPTOS_VERSION=0.3.6
BINARYEN_VERSION=132.0.0
SQLX_CLI_VERSION=0.8.6

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

# The wasm-bindgen version cargo-leptos must use is the one in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# Build helpers installed with `cargo install`: lightly optimised, without
# LTO, because on 2 cores a cold install otherwise takes most of an hour and
# these tools spend their time waiting on rustc, not computing.
tool_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install "$@"
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
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" = "$CARGO_LEPTOS_VERSION" ]; then
    note "cargo-leptos $CARGO_LEPTOS_VERSION: present"
  else
    note "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on 2 cores, once)"
    tool_install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  local wbg
  wbg="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" = "$wbg" ]; then
    note "wasm-bindgen-cli $wbg: present"
  else
    # Not --locked: its lockfile pins a crate the registry no longer has.
    note "installing wasm-bindgen-cli $wbg (matches Cargo.lock)"
    tool_install wasm-bindgen-cli --version "$wbg" --force
  fi
}

ensure_node() {
  command -v npm >/dev/null || { echo "npm not found: install Node.js first"; exit 1; }
}

# Debian's wasm-opt (108) produces bundles that fail at hydration; npm's
# binaryen works. Installed under ~/.cache, first on PATH.
ensure_wasm_opt() {
  step "wasm-opt"
  ensure_node
  if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" = "${BINARYEN_VERSION%%.*}" ]; then
    note "wasm-opt ${BINARYEN_VERSION%%.*} (npm binaryen): present"
  else
    note "installing binaryen $BINARYEN_VERSION from npm"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
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

ensure_sqlx_cli() {
  step "sqlx-cli"
  if [ "$(cargo sqlx --version 2>/dev/null | awk '{print $2}')" = "$SQLX_CLI_VERSION" ]; then
    note "sqlx-cli $SQLX_CLI_VERSION: present"
  else
    note "installing sqlx-cli $SQLX_CLI_VERSION (postgres only)"
    tool_install sqlx-cli --version "$SQLX_CLI_VERSION" --no-default-features --features postgres,rustls --locked
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

# Builds the server and both WASM bundles in release mode: the whole
# application's and the invitee pages' (Cargo.toml's two cargo-leptos
# projects; only the first has a server), then names the browser's files by
# content and compresses them once (`roster assets`). Extra arguments go to
# cargo-leptos (the test run adds --bin-features test-support).
build_release() {
  step "Building Roster (release) $*"
  cargo leptos build --release --project roster "$@"
  step "Building the invitee pages' bundle (release)"
  cargo leptos build --release --project invitee --frontend-only
  step "Naming the browser's files by content; brotli and gzip copies"
  "$CARGO_TARGET_DIR/release/roster" assets target/site target/site-invitee/pkg
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

# For the measuring scripts: starts the test build that scripts/test leaves
# (release/roster-test-hooks, or $ROSTER_LOAD_BIN) on a fresh embedded
# database and a free port, and waits until it answers. Sets WORK, BASE,
# LOG and SERVER_PID; stops the server and removes WORK on exit.
start_test_build() {
  local bin="${ROSTER_LOAD_BIN:-$CARGO_TARGET_DIR/release/roster-test-hooks}"
  [ -x "$bin" ] || { echo "no $bin: run scripts/test first (it builds it)"; exit 1; }
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
