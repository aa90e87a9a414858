#!/usr/bin/env bash
# Peak memory and time of `niemyet check` on every case of tests/malformed/ and on inputs
# made to hurt (10,000 blanks on one line, an alias bomb, a 27 MB file, 70 levels of
# conditions, a 560,000-character complaints notice). Reports numbers; asserts only that
# nothing panicked (exit 101) or ran past 60 s.
#
#   cargo build --release && bash tests/hostile-inputs.sh [path/to/niemyet]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-${CARGO_TARGET_DIR:-target}/release/niemyet}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

base() { rm -rf "$1"; mkdir -p "$1"; cp -r tests/fixtures/base/* "$1/"; }
made=()
mk() { made+=("$1"); }

for case in tests/malformed/*; do
  dir="$work/$(basename "$case")"
  base "$dir"
  if [ -d "$case" ]; then cp -r "$case"/. "$dir/"; else cp "$case" "$dir/thu-tuc/"; fi
  mk "$dir"
done

rec=tests/fixtures/base/thu-tuc/companion.yaml
d="$work/blanks-10000"; base "$d"; mk "$d"
python3 - "$rec" "$d/thu-tuc/companion.yaml" <<'P'
import sys; t=open(sys.argv[1]).read()
open(sys.argv[2],"w").write(t.replace("doi_tuong_thuc_hien: [Công dân Việt Nam]","doi_tuong_thuc_hien: ["+", ".join(['""']*10000)+"]"))
P
d="$work/alias-bomb"; base "$d"; mk "$d"
python3 - "$rec" "$d/thu-tuc/companion.yaml" <<'P'
import sys; t=open(sys.argv[1]).read()
t=t.replace("ten_than_thien: Làm giấy khai sinh cho con","ten_than_thien: &s "+"x"*900000+"\nket_qua_thuc_hien:\n"+"  - *s\n"*2000)
open(sys.argv[2],"w").write(t)
P
d="$work/billion-laughs"; base "$d"; mk "$d"
python3 - "$rec" "$d/thu-tuc/companion.yaml" <<'P'
import sys; t=open(sys.argv[1]).read()
y='a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
for p,c in zip("abcdefgh","bcdefghi"): y+=f"{c}: &{c} [{', '.join(['*'+p]*9)}]\n"
open(sys.argv[2],"w").write(t+"ghi_chu_x:\n"+"".join("  "+l+"\n" for l in y.splitlines()))
P
d="$work/huge-file"; base "$d"; mk "$d"
python3 - "$rec" "$d/thu-tuc/companion.yaml" <<'P'
import sys; t=open(sys.argv[1]).read()
open(sys.argv[2],"w").write(t.replace("ten_thu_tuc: Thủ tục đăng ký khai sinh","ten_thu_tuc: "+"Đăng ký "*2600000))
P
d="$work/deep-conditions"; base "$d"; mk "$d"
python3 - "$rec" "$d/thu-tuc/companion.yaml" <<'P'
import sys; t=open(sys.argv[1]).read()
def c(n): return '"Lá"' if n==0 else '{ noi_dung: "Mức %d", chi_tiet: [ %s ] }'%(n,c(n-1))
open(sys.argv[2],"w").write(t+"yeu_cau_dieu_kien:\n  - "+c(70)+"\n")
P
d="$work/long-notice"; base "$d"; mk "$d"
python3 - "$d/site.yaml" <<'P'
import sys; t=open(sys.argv[1]).read()
open(sys.argv[1],"w").write(t.replace("phan_anh_kien_nghi: Gửi phản ánh, kiến nghị về Bộ phận Một cửa.",'phan_anh_kien_nghi: "'+"Gửi phản ánh. "*40000+'"'))
P

worst_kb=0; worst=""; slowest=0; slow=""; panics=0; hangs=0; n=0
for dir in "${made[@]}"; do
  n=$((n+1))
  set +e
  /usr/bin/time -f "%M %e" -o "$work/t" timeout 60 "$bin" check --content "$dir" >"$work/out" 2>&1
  code=$?
  set -e
  read -r kb secs < <(tail -1 "$work/t") || { kb=0; secs=60; }
  [ "$code" = 101 ] && { panics=$((panics+1)); echo "PANIC: $dir"; }
  [ "$code" = 124 ] && { hangs=$((hangs+1)); echo "HANG: $dir"; }
  if [ "$kb" -gt "$worst_kb" ]; then worst_kb=$kb; worst=$(basename "$dir"); fi
  if awk "BEGIN{exit !($secs > $slowest)}"; then slowest=$secs; slow=$(basename "$dir"); fi
  out_bytes=$(wc -c <"$work/out")
  [ "$out_bytes" -gt 1000000 ] && echo "LOUD: $(basename "$dir") printed $out_bytes bytes"
done
echo "hostile inputs: $n runs of check, $panics panics, $hangs hangs"
echo "peak RSS: $((worst_kb/1024)) MB ($worst); slowest: ${slowest} s ($slow)"
[ "$panics" = 0 ] && [ "$hangs" = 0 ]
