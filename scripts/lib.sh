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

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
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

# Builds the server and the WASM bundle in release mode. Extra arguments go
# to cargo-leptos (the test run adds --bin-features test-support).
build_release() {
  step "Building Roster (release) $*"
  cargo leptos build --release "$@"
}

# Reports the size of the release bundle, raw and brotli-compressed.
bundle_sizes() {
  local f
  for f in target/site/pkg/roster.wasm target/site/pkg/roster.js target/site/pkg/roster.css; do
    [ -f "$f" ] || continue
    if command -v brotli >/dev/null; then
      note "$(basename "$f"): $(stat -c %s "$f") bytes, $(brotli -c -q 11 "$f" | wc -c) brotli"
    else
      note "$(basename "$f"): $(stat -c %s "$f") bytes, $(gzip -9c "$f" | wc -c) gzip"
    fi
  done
}
