#!/usr/bin/env bash
# Makes libp2p-examples/target/jlibp2p.aot, the JDK's ahead-of-time cache (JEP 483 and 514, JDK 25+),
# which bin/jlibp2p hands to the JVM so that a fresh process starts with its classes already loaded
# and linked. The cache comes from a training run: the tool's `ping` against a listener on loopback,
# the path every client command shares (TCP, multistream-select, Noise, Yamux, identify, close). The
# JDK that made the cache, its folder and its exact version, is written beside it (jlibp2p.aot.jdk): a
# cache serves only that JDK and that jar, and the launcher uses it only for them. With a JDK older than 25 this removes any old cache and stops.
# `mvn package` runs it after building the jar (libp2p-examples; -Djlibp2p.aot.skip=true skips it).
# Usage: scripts/aot-cache.sh
set -euo pipefail
cd "$(dirname "$0")/.."
JDK_TOOL=java
. scripts/jdk.sh
jar=libp2p-examples/target/jlibp2p.jar
aot=libp2p-examples/target/jlibp2p.aot
rm -f "$aot" "$aot.jdk" "$aot.config"
[ -f "$jar" ] || { echo "aot-cache: $jar is missing; build it first: mvn -B package -DskipTests" >&2; exit 1; }
major=$(java_major "$JAVA_HOME")
if [ "$major" -lt 25 ]; then
  echo "aot-cache: JDK $major has no ahead-of-time cache (25+ does); the jar runs without one"
  exit 0
fi

work=$(mktemp -d)
listener=""
cleanup() { [ -n "$listener" ] && kill "$listener" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$JAVA_HOME/bin/java" -jar "$jar" listen --host 127.0.0.1 --json > "$work/listen.out" 2>&1 &
listener=$!
addr=""
for _ in $(seq 200); do
  addr=$(sed -n 's/.*"event":"listening".*"addrs":\["\([^"]*\)".*/\1/p' "$work/listen.out" | head -1)
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { echo "aot-cache: the training listener did not start; no cache:" >&2; cat "$work/listen.out" >&2; exit 0; }

# The cache keeps the classes, not the training run's method profiles (-XX:-AOTRecordTraining): with
# the profiles, a fresh process replays them and compiles with C2 early, on the cores its own work
# needs (a fresh `ping` took 4-10 % longer with them; BENCHMARKS.md). A JDK that does not know that
# diagnostic flag makes the cache with the profiles instead.
train() {  # $1: the training run's log; then the JVM's options
  local log=$1
  shift
  rm -f "$aot"
  "$JAVA_HOME/bin/java" "$@" -XX:AOTCacheOutput="$aot" -jar "$jar" ping "$addr" > "$log" 2>&1 && [ -f "$aot" ]
}
made="" kind="without method profiles"
if train "$work/train.out" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining; then
  made=yes
else
  kind="with method profiles (the run without them failed: $(grep -m1 -i 'error\|unrecognized' "$work/train.out" || echo 'see above'))"
  if train "$work/train-profiles.out"; then
    made=yes
  fi
fi
if [ -n "$made" ]; then
  read_release "$JAVA_HOME" JAVA_RUNTIME_VERSION
  printf '%s\n%s\n' "$JAVA_HOME" "$value" > "$aot.jdk"
  echo "aot-cache: wrote $aot ($(( $(stat -c %s "$aot") / 1048576 )) MiB) for the JDK at $JAVA_HOME, $kind"
else
  rm -f "$aot"
  echo "aot-cache: the training run failed; the jar runs without a cache:" >&2
  cat "$work/train.out" >&2
  if [ -f "$work/train-profiles.out" ]; then
    cat "$work/train-profiles.out" >&2
  fi
fi
