#!/usr/bin/env bash
# Through a circuit relay v2, on this machine, in one run: a Java relay and a js-libp2p relay, each
# between the same two Java ends (a `listen --relay` node and the tool's client). Per relay: perf
# throughput on one relayed stream (SIZE up, then SIZE down), ping round trips through the circuit
# (median of 20, on one relayed connection), and the relay process's CPU time per relayed MB (user +
# system, from /proc, over the perf runs; both directions' bytes counted once). The direct
# connection between the same ends is the baseline. Both relays run with their per-circuit limits
# lifted (Java: --limit-seconds 0 --limit-bytes 0; js: applyDefaultLimit false).
# Usage: scripts/bench-relay.sh [runs, default 3] [perf size, default 256MiB]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
RUNS=${1:-3}
SIZE=${2:-256MiB}
BYTES=$(python3 -c "import sys; s='$SIZE'; u={'KiB':1024,'MiB':1<<20,'GiB':1<<30}; print(next((int(s[:-3])*v for k,v in u.items() if s.endswith(k)), None) or int(s))")
JAR=libp2p-examples/target/jlibp2p.jar
mvn -B -q -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip package >/dev/null
command -v node >/dev/null || { echo "node is needed for the js relay" >&2; exit 1; }
(cd interop/js-peer && npm ci --no-audit --no-fund >/dev/null)

. scripts/bench-lib.sh
cpu_ms() { python3 -c "import os,sys; f=open(f'/proc/{sys.argv[1]}/stat').read().rsplit(')',1)[1].split(); print((int(f[11])+int(f[12]))*1000/os.sysconf('SC_CLK_TCK'))" "$1"; }

java -jar "$JAR" relay --host 127.0.0.1 --limit-seconds 0 --limit-bytes 0 --json > "$work/java-relay.out" 2>/dev/null & pids+=($!)
JAVA_RELAY_PID=$!
(cd interop/js-peer && exec node peer.mjs relay --unlimited < "$work/stdin" 3>&- > "$work/js-relay.out" 2>/dev/null) & pids+=($!)
JS_RELAY_PID=$!
JAVA_RELAY=$(first_json "$work/java-relay.out" listening addrs)
JS_RELAY=$(first_json "$work/js-relay.out" listening addrs)

# Two Java ends, one reserved on each relay; the first also serves the direct path (its JIT is the
# warmer of the two, which favours the Java relay's row a little).
java -jar "$JAR" listen --host 127.0.0.1 --relay "$JAVA_RELAY" --json > "$work/end-java.out" 2>/dev/null & pids+=($!)
java -jar "$JAR" listen --host 127.0.0.1 --relay "$JS_RELAY" --json > "$work/end-js.out" 2>/dev/null & pids+=($!)
DIRECT=$(first_json "$work/end-java.out" listening addrs)
VIA_JAVA=$(first_json "$work/end-java.out" reserved addrs)
VIA_JS=$(first_json "$work/end-js.out" reserved addrs)

perf() { java -jar "$JAR" perf "$1" --upload-bytes "$2" --download-bytes "$3" --json | jq_num "$4" || true; }
ping_ms() { java -jar "$JAR" ping "$1" --count 20 --json | jq_num "__import__('statistics').median(d['rttsMs'])" || true; }

echo "through a circuit relay v2: Java ends, $(nproc) cores ($(grep -q avx512ifma /proc/cpuinfo && echo 'AVX-512 IFMA' || { grep -q avx2 /proc/cpuinfo && echo 'AVX2 only'; } || echo 'no AVX2')), JDK $(java -version 2>&1 | head -1 | cut -d'"' -f2), node $(node --version), js-libp2p 3.3.11 with @libp2p/circuit-relay-v2 4.2.13, $(date -u +%F)"
echo "median (min - max) of $RUNS runs; perf moves $SIZE each way on one stream; ping: median of 20 round trips"
echo "(runs alternate: direct, Java relay, js relay, then again, so that a change in the machine's load falls on all three)"
declare -A UP DOWN RTT CPU
for _ in $(seq "$RUNS"); do
  for path in direct java js; do
    case $path in
      direct) target=$DIRECT; pid= ;;
      java) target=$VIA_JAVA; pid=$JAVA_RELAY_PID ;;
      js) target=$VIA_JS; pid=$JS_RELAY_PID ;;
    esac
    before=$([ -n "$pid" ] && cpu_ms "$pid" || echo 0)
    up=$(perf "$target" "$BYTES" 0 "d['uploadMBps']")
    down=$(perf "$target" 0 "$BYTES" "d['downloadMBps']")
    after=$([ -n "$pid" ] && cpu_ms "$pid" || echo 0)
    UP[$path]+=" $up"
    DOWN[$path]+=" $down"
    if [ -n "$up" ] && [ -n "$down" ]; then  # CPU per MB only over runs that moved every byte
      CPU[$path]+=" $(python3 -c "print(($after - $before) / (2 * $BYTES / 1e6))")"
    fi
    RTT[$path]+=" $(ping_ms "$target")"
  done
done
printf "%-14s %-26s %-26s %-26s %-26s\n" "path" "upload MB/s" "download MB/s" "ping ms" "relay CPU ms per MB"
for path in direct java js; do
  # shellcheck disable=SC2086 # each entry is a list of figures
  printf "%-14s %-26s %-26s %-26s %-26s\n" "$([ $path = direct ] && echo direct || echo "$path relay")" "$(stats 2 ${UP[$path]})" \
    "$(stats 2 ${DOWN[$path]})" "$(stats 2 ${RTT[$path]})" "$([ $path = direct ] && echo '-' || stats 2 ${CPU[$path]})"
done
