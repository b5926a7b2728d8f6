#!/usr/bin/env bash
# Benchmark: orqex against curl and against the process floor (/bin/true), side by side,
# against one local server started here. Every row of the performance table in one run.
# Usage: bash tests/bench/run.sh      (writes tests/bench/results.md; see tests/bench/README.md)
# Needs: cargo, curl, hyperfine and GNU time (installed with apt-get when missing).
# Knobs: ROUNDS (alternating rounds of single runs), RUNS (runs per round), BATCH, DELAY_MS,
# CPU_ROWS and CPU_REPEAT (rows and runs for the CPU per row), CONN_ROWS (the smaller batch whose
# connections are counted).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-6}
RUNS=${RUNS:-20}
BATCH=${BATCH:-1000}
DELAY_MS=${DELAY_MS:-50}
CPU_ROWS=${CPU_ROWS:-1000}
CONN_ROWS=${CONN_ROWS:-400}
CPU_REPEAT=${CPU_REPEAT:-9}
out=tests/bench/results.md
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || ! need curl || ! [ -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq hyperfine curl time >/dev/null
fi

# A busy machine measures itself, not orqex: said on stderr and in the results.
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
  echo "warning: load average $load at the start; figures will be noisy (run on a quiet machine)" >&2
fi
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit with uncommitted changes"
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
connections() { curl -sS "$1/connections"; } # the count, this request included

export ORQEX_SECRET_KEY=sk_sandbox_bench_0000 ORQEX_CONFIG_DIR=$work/config NO_PROXY='*' CI=true
unset HTTPS_PROXY HTTP_PROXY ALL_PROXY https_proxy http_proxy all_proxy || true
body='{"amount":50,"currency":"XOF","description":"Order 1024","customer":{"email":"ama@example.com","first_name":"Ama","last_name":"Mensah"}}'
printf '%s' "$body" >"$work/body.json"
create_args=(checkout create --amount 50 --currency XOF --description "Order 1024" --email ama@example.com --first-name Ama --last-name Mensah --no-input)

start_server 0
fast_url=$url
export ORQEX_BASE_URL=$fast_url
curl_cmd="curl -sS -o /dev/null -X POST $fast_url/payment/checkouts -H 'Authorization: Bearer $ORQEX_SECRET_KEY' -H 'Content-Type: application/json' -H 'Accept: application/json' -H 'User-Agent: curl' -H 'X-Idempotency-Key: orq_00000000000000000000000000000000' --data-binary @$work/body.json"
orqex_cmd=$(printf '%q ' "$orqex" "${create_args[@]}")

# Single runs in alternating rounds (each round runs the three in another order), so a
# slow spell of the machine falls on all of them alike; the medians are over every run.
echo "== one create: $ROUNDS rounds of $RUNS runs of orqex, curl and /bin/true" >&2
for r in $(seq "$ROUNDS"); do
  case $((r % 3)) in
    0) order=(orqex curl true) ;;
    1) order=(curl true orqex) ;;
    *) order=(true orqex curl) ;;
  esac
  args=()
  for name in "${order[@]}"; do
    case $name in
      orqex) args+=(-n orqex "$orqex_cmd") ;;
      curl) args+=(-n curl "$curl_cmd") ;;
      true) args+=(-n true /bin/true) ;;
    esac
  done
  hyperfine -N --style none --warmup 3 --runs "$RUNS" --export-json "$work/create.$r.json" "${args[@]}" >/dev/null
done
echo "== start-up (--version)" >&2
hyperfine -N --style none --warmup 5 --runs "$((ROUNDS * RUNS))" --export-json "$work/version.json" \
  -n orqex "$orqex --version" -n curl "curl --version" >/dev/null

python3 - "$BATCH" >"$work/rows.jsonl" <<'PY'
import json, sys
for i in range(1, int(sys.argv[1]) + 1):
    print(json.dumps({"amount": 50, "customer": {"email": f"c{i}@example.com", "first_name": "C", "last_name": str(i)}, "metadata": {"invoice": str(i)}}))
PY
head -n "$CPU_ROWS" "$work/rows.jsonl" >"$work/rows.cpu.jsonl"
head -n "$CONN_ROWS" "$work/rows.jsonl" >"$work/rows.conn.jsonl"
head -n 2000 "$work/rows.jsonl" >"$work/rows.2k.jsonl"
[ "$(wc -l <"$work/rows.2k.jsonl")" -ge 2000 ] || python3 - 2000 >"$work/rows.2k.jsonl" <<'PY'
import json, sys
for i in range(1, int(sys.argv[1]) + 1):
    print(json.dumps({"amount": 50, "customer": {"email": f"c{i}@example.com", "first_name": "C", "last_name": str(i)}, "metadata": {"invoice": str(i)}}))
PY
# The same rows for curl -Z: one request per row, each with its body and its own key.
python3 - "$work/rows.cpu.jsonl" "$fast_url" "$ORQEX_SECRET_KEY" >"$work/curl.cfg" <<'PY'
import json, sys
rows, url, key = sys.argv[1], sys.argv[2], sys.argv[3]
entries = []
for i, line in enumerate(open(rows), 1):
    row = json.loads(line)
    row.update({"currency": "XOF", "description": "Invoice"})
    entries.append(f'url = "{url}/payment/checkouts"\nrequest = "POST"\noutput = "/dev/null"\n'
          f'header = "Authorization: Bearer {key}"\nheader = "Content-Type: application/json"\n'
          f'header = "Accept: application/json"\nheader = "X-Idempotency-Key: bench-{i}"\n'
          f'data-binary = {json.dumps(json.dumps(row))}\n')
# `next` between requests only: a trailing one starts a request without a URL, which fails.
print("next\n".join(entries), end="")
PY
# The same rows must really reach the server through curl, or its CPU figure means nothing.
c_before=$(connections "$fast_url")
curl -sS -Z --parallel-max 16 -K "$work/curl.cfg" >/dev/null 2>&1 || { echo "curl -Z failed on the rows" >&2; exit 1; }
c_after=$(connections "$fast_url")
[ $((c_after - c_before - 1)) -ge 1 ] || { echo "curl -Z sent nothing" >&2; exit 1; }

cpu() { # command... -> user+system seconds on stdout
  # From getrusage, to the microsecond: GNU time rounds to 10 ms, a quarter of the whole.
  # The difference: a python3 started through a shim (pyenv) inherits the shim's own.
  python3 -c 'import resource, subprocess, sys
def used():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
before = used()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(f"{used() - before:.6f}")' "$@"
}
echo "== CPU for $CPU_ROWS rows at concurrency 16, $CPU_REPEAT times each (orqex --batch, curl -Z)" >&2
cpu_orqex=() cpu_curl=()
for _ in $(seq "$CPU_REPEAT"); do
  cpu_orqex+=("$(cpu "$orqex" checkout create --batch "$work/rows.cpu.jsonl" --currency XOF --description Invoice --concurrency 16)")
  cpu_curl+=("$(cpu curl -sS -Z --parallel-max 16 -K "$work/curl.cfg")")
done

start_server "$DELAY_MS"
slow_url=$url
wall() { # command... -> seconds on stdout
  local t0 t1
  t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
  python3 -c "print(f'{$t1 - $t0:.3f}')"
}
echo "== connections: $CONN_ROWS and $BATCH rows at concurrency 16 ($DELAY_MS ms server delay)" >&2
c0=$(connections "$slow_url")
ORQEX_BASE_URL=$slow_url "$orqex" checkout create --batch "$work/rows.conn.jsonl" --currency XOF --description Invoice --concurrency 16 >/dev/null 2>&1 || true
c1=$(connections "$slow_url")
echo "== batch of $BATCH at concurrency 16, wall" >&2
batch_wall=$(ORQEX_BASE_URL=$slow_url wall "$orqex" checkout create --batch "$work/rows.jsonl" --currency XOF --description Invoice --concurrency 16)
c2=$(connections "$slow_url")
conn_small=$((c1 - c0 - 1))
conn_big=$((c2 - c1 - 1))

echo "== peak memory" >&2
rss() { /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1 || true; cat "$work/rss"; }
rss_single=$(ORQEX_BASE_URL=$fast_url rss "$orqex" "${create_args[@]}")
rss_2k=$(ORQEX_BASE_URL=$slow_url rss "$orqex" checkout create --batch "$work/rows.2k.jsonl" --currency XOF --description Invoice --concurrency 64)
size=$(stat -c %s "$orqex")
# Each shared library loaded costs every start (tests/bench/PROFILE.md).
libs=$(ldd "$orqex" | awk '$1 !~ /^linux-vdso/ {print $1}' | paste -sd' ' -)
curl_libs=$(ldd "$(command -v curl)" | awk '$1 !~ /^linux-vdso/' | wc -l)

python3 - "$work" "$ROUNDS" "$RUNS" "$BATCH" "$DELAY_MS" "$CPU_ROWS" "$batch_wall" "$conn_small" "$conn_big" "$CONN_ROWS" \
  "$rss_single" "$rss_2k" "$size" "${cpu_orqex[*]}" "${cpu_curl[*]}" "$libs" "$curl_libs" "$load" "$commit" >"$out" <<'PY'
import json, sys, platform, os, statistics, glob
work = sys.argv[1]
rounds, runs, n, delay, cpu_rows = map(int, sys.argv[2:7])
batch_wall = float(sys.argv[7])
conn_small, conn_big, conn_rows, rss1, rss2k, size = map(int, sys.argv[8:14])
cpu_o = statistics.median(map(float, sys.argv[14].split()))
cpu_c = statistics.median(map(float, sys.argv[15].split()))
libs, curl_libs = sys.argv[16].split(), int(sys.argv[17])
load, commit = float(sys.argv[18]), sys.argv[19]
times = {}
for f in sorted(glob.glob(f"{work}/create.*.json")):
    for r in json.load(open(f))["results"]:
        times.setdefault(r["command"], []).extend(r["times"])
med = {k: statistics.median(v) for k, v in times.items()}
ver = {r["command"]: r["median"] for r in json.load(open(f"{work}/version.json"))["results"]}
ideal = n * delay / 1000 / 16
model = "unknown"
try:
    model = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except Exception:
    pass
def verdict(ok): return "met" if ok else "**missed**"
rows = [
    ("one create, wall (median)", f"{med['orqex']*1000:.2f} ms", f"curl {med['curl']*1000:.2f} ms",
     f"{med['orqex']/med['curl']:.2f}× curl", "≤ 0.25×", med['orqex']/med['curl'] <= 0.25),
    ("one create vs the process floor", f"{med['orqex']*1000:.2f} ms", f"/bin/true {med['true']*1000:.2f} ms",
     f"{med['orqex']/med['true']:.2f}× true", "≤ 2.0×", med['orqex']/med['true'] <= 2.0),
    ("`--version` (median)", f"{ver['orqex']*1000:.2f} ms", f"curl {ver['curl']*1000:.2f} ms",
     f"{ver['orqex']/ver['curl']:.2f}× curl", "", None),
    (f"CPU per batch row, {cpu_rows} rows at concurrency 16 (median of runs)",
     f"{cpu_o/cpu_rows*1e6:.1f} µs", f"curl -Z {cpu_c/cpu_rows*1e6:.1f} µs",
     f"{cpu_o/cpu_c:.2f}× curl -Z", "≤ 1.0×", cpu_o/cpu_c <= 1.0),
    (f"connections opened, {conn_rows} rows at concurrency 16", str(conn_small), "", "",
     "≤ 18", conn_small <= 18),
    (f"connections opened, {n} rows at concurrency 16", str(conn_big), "", "", "≤ 18", conn_big <= 18),
    (f"batch of {n} at concurrency 16, {delay} ms API, wall", f"{batch_wall:.2f} s", f"ideal {ideal:.2f} s",
     f"{batch_wall/ideal:.3f}× ideal", "", None),
    ("peak RSS, one create", f"{rss1/1024:.1f} MiB", "", "", "", None),
    ("peak RSS, 2,000 rows at concurrency 64", f"{rss2k/1024:.1f} MiB", "", "", "≤ 20 MiB", rss2k/1024 <= 20),
    ("release binary", f"{size/1e6:.2f} MB", "", "", "≤ 3.2 MB", size <= 3.2e6),
    ("shared libraries loaded at start", f"{len(libs)}: {', '.join(libs)}", f"curl {curl_libs}", "", "", None),
]
print("# Benchmark results\n")
import datetime
print(f"Commit {commit}, measured {datetime.date.today().isoformat()}; load average at the start {load:.2f}"
      f"{' (busy: figures are noisy)' if load > 0.5 else ''}.\n")
print(f"Machine: {os.cpu_count()} cores ({model}), {platform.machine()}, {platform.platform()}. "
      f"Single runs: {rounds} alternating rounds × {runs} runs of each command (hyperfine -N, "
      f"{rounds*runs} runs each), medians over all runs. Batches: local server, {delay} ms delay "
      f"for wall time, connections and memory; no delay for CPU.\n")
print("| measure | orqex | beside it | ratio | target | |")
print("|---|---|---|---|---|---|")
for name, o, other, ratio, target, ok in rows:
    print(f"| {name} | {o} | {other} | {ratio} | {target} | {'' if ok is None else verdict(ok)} |")
PY
cat "$out"
