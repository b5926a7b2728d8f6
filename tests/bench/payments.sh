#!/usr/bin/env bash
# `orqex payments list --all` over many payments: is memory flat? Runs the list against the
# local bench server (tests/bench/server.rs, loopback only) for 1,000 and for 100,000 payments
# (or $COUNTS), each as JSON Lines into /dev/null and as a table with totals, and prints the
# maximum resident set size GNU time measured for each, with the wall time.
# Usage: bash tests/bench/payments.sh      (PROFILE=release by default; PROFILE=dev for a quick look)
set -euo pipefail
cd "$(dirname "$0")/../.."

COUNTS=${COUNTS:-"1000 100000"}
PROFILE=${PROFILE:-release}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

if ! [ -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
if [ "$PROFILE" = release ]; then
  cargo build --release --locked --quiet
  cargo build --release --locked --quiet --example bench_server
  dir=target/release
else
  cargo build --locked --quiet
  cargo build --locked --quiet --example bench_server
  dir=target/debug
fi
orqex=$PWD/$dir/orqex
server_bin=$PWD/$dir/examples/bench_server

echo "| payments | output | max RSS (KiB) | wall (s) | rows printed |"
echo "|---:|---|---:|---:|---:|"
for count in $COUNTS; do
  BENCH_PAYMENTS=$count "$server_bin" 0 > "$work/addr" &
  pids+=($!)
  while ! [ -s "$work/addr" ]; do sleep 0.05; done
  url=$(head -n1 "$work/addr")
  for output in jsonl table; do
    env -i PATH="$PATH" HOME="$work" ORQEX_CONFIG_DIR="$work/config" NO_PROXY='*' \
      ORQEX_SECRET_KEY=sk_sandbox_test_0000_0000_bench ORQEX_BASE_URL="$url" \
      /usr/bin/time -f '%M %e' -o "$work/time" \
      "$orqex" payments list --all -o "$output" > "$work/out"
    read -r rss wall < "$work/time"
    echo "| $count | $output | $rss | $wall | $(wc -l < "$work/out") |"
  done
  kill "${pids[-1]}" 2>/dev/null || true
  rm -f "$work/addr"
done
