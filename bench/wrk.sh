#!/usr/bin/env bash
# Loads the demo server (the authflow handler over a MemoryStore, validating
# every response) and the pre-encoded baseline server with wrk over loopback,
# alternating them ROUNDS times, and prints the median requests per second of
# each, and the median and min–max of the rounds' ratios. Needs wrk (Debian:
# apt-get install wrk).
#
#   bash bench/wrk.sh [ROUNDS] [DURATION] [CONNECTIONS]     # defaults: 5 10s 16
#
# With DB set, both serve from that database (their -db flag) instead of
# memory: the demo through sqlstore, the baseline by reading the stored
# response bytes with one SELECT by primary key from a table of its own.
#
#   DB=sqlite:/tmp/flows.db bash bench/wrk.sh
#   DB="$AUTHFLOW_TEST_POSTGRES" bash bench/wrk.sh      # see .ci/postgres.sh
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-5}
duration=${2:-10s}
conns=${3:-16}

if ! command -v wrk >/dev/null; then
  echo "wrk is not installed: apt-get install wrk" >&2
  exit 1
fi

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/server" ./examples/server
go build -o "$work/preencoded" ./bench/preencoded

# start NAME BINARY [ARGS…]: runs it on a free port and sets URL_NAME from its line.
start() {
  local name=$1 bin=$2
  shift 2
  AUTHFLOW_TOKEN= AUTHFLOW_DB= "$bin" -addr 127.0.0.1:0 "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 100); do
    if grep -q '^listening on ' "$work/$name.out" 2>/dev/null; then break; fi
    sleep 0.1
  done
  local url
  url=$(sed -n 's/^listening on //p' "$work/$name.out")
  [ -n "$url" ] || { echo "$name did not start" >&2; cat "$work/$name.err" >&2; exit 1; }
  printf -v "URL_$name" '%s' "$url/api/v1/authflow/013xrzp12g3nqk8nqprv12gz6v99a2v4"
}
if [ -n "${DB:-}" ]; then
  start handler "$work/server" -db "$DB"
  start preencoded "$work/preencoded" -db "$DB"
else
  start handler "$work/server"
  start preencoded "$work/preencoded"
fi

# Check both answer the same bytes before measuring anything.
if ! cmp -s <(curl -sf "$URL_handler") <(curl -sf "$URL_preencoded"); then
  echo "the two servers answer different bodies" >&2
  exit 1
fi

rps() { wrk -t1 -c"$conns" -d"$duration" "$1" | awk '/^Requests\/sec:/ {print $2}'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

: >"$work/handler.rps"; : >"$work/preencoded.rps"
for i in $(seq "$rounds"); do
  rps "$URL_handler" >>"$work/handler.rps"
  rps "$URL_preencoded" >>"$work/preencoded.rps"
  echo "round $i: handler $(tail -1 "$work/handler.rps") req/s, preencoded $(tail -1 "$work/preencoded.rps") req/s" >&2
done

h=$(median <"$work/handler.rps")
p=$(median <"$work/preencoded.rps")
paste "$work/handler.rps" "$work/preencoded.rps" | awk '{print $1/$2}' >"$work/ratio"
over=memory
if [ -n "${DB:-}" ]; then over=${DB%%:*}; fi
echo "handler (demo server over $over): $h req/s (median of $rounds)"
echo "preencoded baseline (over $over): $p req/s (median of $rounds)"
awk -v r="$(median <"$work/ratio")" -v lo="$(sort -g "$work/ratio" | head -1)" -v hi="$(sort -g "$work/ratio" | tail -1)" \
  'BEGIN {printf "ratio handler/preencoded: %.2fx (rounds: %.2f–%.2f)\n", r, lo, hi}'
