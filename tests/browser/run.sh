#!/usr/bin/env bash
# Real-browser suite: build the sample site with the debug binary (`cargo test` has just
# built it; its dependencies are optimised, so print is quick), serve it on
# 127.0.0.1 and check it in headless Chromium (search, keyboard, 390 px layout, axe-core)
# and with the Nu HTML checker. Screenshots and reports land in target/browser/.
# Exits non-zero on any failure; nothing is skipped (no Chromium → install it or fail).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
command -v java >/dev/null 2>&1 || {
  echo "installing a Java runtime for the Nu HTML checker"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
}
command -v node >/dev/null 2>&1 || { echo "node is required" >&2; exit 1; }

# Install scripts stay off: vnu-jar's would download a JDK; the machine's Java is used.
(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

artifacts="$repo/target/browser"
site="$artifacts/site"
mkdir -p "$artifacts"
cargo build --quiet
bin="${CARGO_TARGET_DIR:-$repo/target}/debug/niemyet"
"$bin" build --quiet --content "$repo/content" --output "$site"
# The same sample at ten procedures a page, for the list pager.
paged="$artifacts/site-paged"
paged_src="$artifacts/paged-src"
rm -rf "$paged_src" && mkdir -p "$paged_src" && cp -r "$repo/content" "$paged_src/content"
printf '\nso_thu_tuc_moi_trang: 10\n' >> "$paged_src/content/site.yaml"
"$bin" build --quiet --content "$paged_src/content" --output "$paged"

cd "$here"
NIEMYET_BIN="$bin" SITE_DIR="$site" PAGED_DIR="$paged" ARTIFACTS="$artifacts" CHROMIUM=/usr/bin/chromium node --test --test-concurrency=1 test.mjs
