#!/usr/bin/env bash
# The stack against js-libp2p on this machine, in one run: perf throughput (one stream, 1 GiB up and
# 1 GiB down) and new connection + first ping, for Java -> Java, Java -> js, js -> Java and js -> js.
# Each figure is the median of RUNS runs with min and max beside it.
# Usage: scripts/bench.sh [runs, default 3] [perf size, default 1GiB]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
RUNS=${1:-3}
SIZE=${2:-1GiB}
BYTES=$(python3 -c "import sys; s='$SIZE'; u={'KiB':1024,'MiB':1<<20,'GiB':1<<30}; print(next((int(s[:-3])*v for k,v in u.items() if s.endswith(k)), None) or int(s))")
JAR=libp2p-examples/target/jlibp2p.jar
mvn -B -q -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip package >/dev/null
(cd interop/js-peer && npm ci --no-audit --no-fund >/dev/null)
command -v node >/dev/null || { echo "node is needed for the js side" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

java -jar "$JAR" listen --host 127.0.0.1 --json > "$work/java.out" 2>/dev/null & pids+=($!)
(cd interop/js-peer && exec node peer.mjs listen < /dev/zero > "$work/js.out" 2>/dev/null) & pids+=($!)
addr() { for _ in $(seq 100); do line=$(grep -m1 '"listening"' "$1" 2>/dev/null || true); [ -n "$line" ] && break; sleep 0.1; done
         python3 -c "import json,sys; print(json.loads(sys.argv[1])['addrs'][0])" "$line"; }
JAVA_ADDR=$(addr "$work/java.out")
JS_ADDR=$(addr "$work/js.out")

# Helpers print one number per run; stats() turns them into "median (min - max)".
stats() { python3 -c "import sys,statistics as s; v=sorted(float(x) for x in sys.argv[1:]); print(f'{s.median(v):9.1f}  ({v[0]:.1f} - {v[-1]:.1f})')" "$@"; }
jq_num() { python3 -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); print($1)"; }

java_perf() { java -jar "$JAR" perf "$1" --upload "$2" --download "$3" --json | jq_num "$4"; }
js_perf() { (cd interop/js-peer && node peer.mjs dial "$1" perf "$2" "$3") | jq_num "$4"; }
java_connect() { java -jar "$JAR" ping "$1" --repeat 25 --json | jq_num "$2"; }
js_connect() { (cd interop/js-peer && node peer.mjs dial "$1" connect-ping 25) | jq_num "$2"; }

echo "jlibp2p vs js-libp2p 3.3.11, $(nproc) cores, JDK $(java -version 2>&1 | head -1 | cut -d'"' -f2), node $(node --version), $(date -u +%F)"
echo "median (min - max) of $RUNS runs; perf moves $SIZE each way on one stream"
printf "%-18s %-34s %-34s %-34s\n" "pair" "upload MB/s" "download MB/s" "connect + first ping ms (warm)"
for pair in "java java" "java js" "js java" "js js"; do
  set -- $pair
  client=$1; server=$2
  target=$([ "$server" = java ] && echo "$JAVA_ADDR" || echo "$JS_ADDR")
  up=(); down=(); conn=()
  for _ in $(seq "$RUNS"); do
    if [ "$client" = java ]; then
      up+=("$(java_perf "$target" "$SIZE" 0 "d['uploadMBps']")")
      down+=("$(java_perf "$target" 0 "$SIZE" "d['downloadMBps']")")
      conn+=("$(java_connect "$target" "__import__('statistics').median(d['connectionsMs'][5:])")")
    else
      up+=("$(js_perf "$target" "$BYTES" 0 "d['uploadBytes']/d['seconds']/1e6")")
      down+=("$(js_perf "$target" 0 "$BYTES" "d['downloadBytes']/d['seconds']/1e6")")
      conn+=("$(js_connect "$target" "__import__('statistics').median(d['connectionsMs'][5:])")")
    fi
  done
  printf "%-18s %-34s %-34s %-34s\n" "$client -> $server" "$(stats "${up[@]}")" "$(stats "${down[@]}")" "$(stats "${conn[@]}")"
done
