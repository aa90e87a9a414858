#!/usr/bin/env bash
# How coarse a picture of a sheet a phone can still read: renders sheet 1 of every poster and
# guide sheet in OUTPUT (a built site) at falling resolutions and counts the QR codes zbarimg
# reads. Needs poppler-utils and zbar-tools. Usage: bash tests/qr-dpi.sh output
set -u
out=${1:-output}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for dpi in 72 60 50 45 40 35 30; do
  for kind in niem-yet phieu-huong-dan; do
    fail=0; n=0
    for f in "$out"/in/thu-tuc/*/$kind.pdf; do
      n=$((n+1))
      pdftoppm -r "$dpi" -f 1 -l 1 -singlefile -png "$f" "$tmp/page"
      zbarimg -q --raw "$tmp/page.png" 2>/dev/null | grep -q "/m/" || fail=$((fail+1))
    done
    echo "$dpi dpi: $kind $((n-fail))/$n read"
  done
done
