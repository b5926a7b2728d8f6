#!/usr/bin/env bash
# Benchmark: orqex against curl, side by side, against one local server started here.
# Usage: bash tests/bench/run.sh      (writes tests/bench/results.md and prints it)
# Needs: cargo, curl, hyperfine and GNU time (installed with apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-40}
BATCH=${BATCH:-1000}
DELAY_MS=${DELAY_MS:-50}
out=tests/bench/results.md
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || ! need curl || ! [ -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq hyperfine curl time >/dev/null
fi

cargo build --release --locked --quiet
cargo build --release --locked --quiet --example bench_server
orqex=$PWD/target/release/orqex
server_bin=$PWD/target/release/examples/bench_server

start_server() { # DELAY_MS -> sets $url
  "$server_bin" "$1" >"$work/server.$1" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$work/server.$1" ] && break; sleep 0.05; done
  url=$(head -n1 "$work/server.$1")
}

export ORQEX_SECRET_KEY=sk_sandbox_bench_0000 ORQEX_CONFIG_DIR=$work/config NO_PROXY='*' CI=true
unset HTTPS_PROXY HTTP_PROXY ALL_PROXY https_proxy http_proxy all_proxy || true
body='{"amount":50,"currency":"XOF","description":"Order 1024","customer":{"email":"ama@example.com","first_name":"Ama","last_name":"Mensah"}}'
printf '%s' "$body" >"$work/body.json"
create_args=(checkout create --amount 50 --currency XOF --description "Order 1024" --email ama@example.com --first-name Ama --last-name Mensah --no-input)
# --no-input only exists once prompts exist; drop it when this build does not know it.
"$orqex" checkout create --help | grep -q -- --no-input || unset 'create_args[${#create_args[@]}-1]'

start_server 0
fast_url=$url
export ORQEX_BASE_URL=$fast_url
curl_cmd="curl -sS -o /dev/null -X POST $fast_url/payment/checkouts -H 'Authorization: Bearer $ORQEX_SECRET_KEY' -H 'Content-Type: application/json' -H 'Accept: application/json' -H 'User-Agent: curl' -H 'X-Idempotency-Key: orq_00000000000000000000000000000000' --data-binary @$work/body.json"
orqex_cmd=$(printf '%q ' "$orqex" "${create_args[@]}")

echo "== one create, $RUNS runs each" >&2
hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$work/create.json" \
  -n orqex "$orqex_cmd" -n curl "$curl_cmd" >&2
echo "== start-up" >&2
hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$work/version.json" \
  -n orqex "$orqex --version" -n curl "curl --version" >&2

start_server "$DELAY_MS"
slow_url=$url
python3 - "$BATCH" >"$work/rows.jsonl" <<'PY'
import json, sys
for i in range(1, int(sys.argv[1]) + 1):
    print(json.dumps({"amount": 50, "customer": {"email": f"c{i}@example.com", "first_name": "C", "last_name": str(i)}, "metadata": {"invoice": str(i)}}))
PY
python3 - 10000 >"$work/rows10k.jsonl" <<'PY'
import json, sys
for i in range(1, int(sys.argv[1]) + 1):
    print(json.dumps({"amount": 50, "customer": {"email": f"c{i}@example.com", "first_name": "C", "last_name": str(i)}}))
PY

wall() { # command... -> seconds on stdout
  local t0 t1
  t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
  python3 -c "print(f'{$t1 - $t0:.3f}')"
}
batch_times=()
for c in 1 4 16; do
  echo "== batch of $BATCH at concurrency $c ($DELAY_MS ms server delay)" >&2
  batch_times+=("$(ORQEX_BASE_URL=$slow_url wall "$orqex" checkout create --batch "$work/rows.jsonl" \
    --currency XOF --description Invoice --concurrency "$c")")
done
echo "== shell loop over curl, $BATCH creates" >&2
curl_loop() {
  for i in $(seq "$BATCH"); do
    curl -sS -o /dev/null -X POST "$slow_url/payment/checkouts" -H "Authorization: Bearer $ORQEX_SECRET_KEY" \
      -H 'Content-Type: application/json' -H 'Accept: application/json' -H "X-Idempotency-Key: bench-loop-$i" \
      --data-binary @"$work/body.json"
  done
}
curl_loop_time=$(wall curl_loop)

echo "== peak memory" >&2
rss() { /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1 || true; cat "$work/rss"; }
rss_single=$(ORQEX_BASE_URL=$fast_url rss "$orqex" "${create_args[@]}")
rss_1k=$(ORQEX_BASE_URL=$fast_url rss "$orqex" checkout create --batch "$work/rows.jsonl" --currency XOF --description Invoice --concurrency 16)
rss_10k=$(ORQEX_BASE_URL=$fast_url rss "$orqex" checkout create --batch "$work/rows10k.jsonl" --currency XOF --description Invoice --concurrency 16)
size=$(stat -c %s "$orqex")

python3 - "$work" "$BATCH" "$DELAY_MS" "${batch_times[@]}" "$curl_loop_time" "$rss_single" "$rss_1k" "$rss_10k" "$size" "$RUNS" >"$out" <<'PY'
import json, sys, platform, os
work, n, delay = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b1, b4, b16, loop = map(float, sys.argv[4:8])
rss1, rss1k, rss10k, size, runs = map(int, sys.argv[8:13])
def medians(name):
    r = {x["command"]: x for x in json.load(open(f"{work}/{name}.json"))["results"]}
    return r["orqex"]["median"], r["curl"]["median"]
co, cc = medians("create"); vo, vc = medians("version")
ideal = lambda c: n * delay / 1000 / c
def verdict(ok): return "met" if ok else "**missed**"
print("# Benchmark results\n")
print(f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}. "
      f"Single runs: {runs} each (hyperfine -N, warm-up 5); batches: {n} rows, server delay {delay} ms.\n")
print("| measure | orqex | curl / ideal | ratio | target | |")
print("|---|---|---|---|---|---|")
print(f"| one create, median | {co*1000:.2f} ms | {cc*1000:.2f} ms | {co/cc:.2f}× curl | ≤ 0.4× | {verdict(co/cc <= 0.4)} |")
print(f"| `--version`, median | {vo*1000:.2f} ms | {vc*1000:.2f} ms | {vo/vc:.2f}× curl | ≤ 0.2× | {verdict(vo/vc <= 0.2)} |")
for c, t in ((1, b1), (4, b4), (16, b16)):
    tgt = "≤ 1.3× ideal" if c == 16 else ""
    v = verdict(t / ideal(c) <= 1.3) if c == 16 else ""
    print(f"| batch of {n}, concurrency {c} | {t:.2f} s | ideal {ideal(c):.2f} s | {t/ideal(c):.2f}× ideal | {tgt} | {v} |")
print(f"| shell loop over curl, {n} creates | | {loop:.2f} s | {loop/ideal(1):.2f}× ideal (c=1) | | |")
print(f"| peak RSS, one create | {rss1/1024:.1f} MiB | | | | |")
print(f"| peak RSS, batch of {n} | {rss1k/1024:.1f} MiB | | | | |")
print(f"| peak RSS, batch of 10000 | {rss10k/1024:.1f} MiB | | {rss10k/rss1k:.2f}× the {n} batch | ≤ 1.5× | {verdict(rss10k/rss1k <= 1.5)} |")
print(f"| release binary size | {size/1e6:.2f} MB | | | < 4 MB | {verdict(size < 4e6)} |")
PY
cat "$out"
