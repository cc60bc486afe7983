#!/usr/bin/env bash
# Makes libp2p-examples/target/jlibp2p.aot, the JDK's ahead-of-time cache (JEP 483 and 514, JDK 25+),
# which bin/jlibp2p hands to the JVM so that a fresh process starts with its classes already loaded
# and linked. The cache comes from a training run: the tool's `ping --repeat` against a listener on
# loopback, the path every client command shares (TCP, multistream-select, Noise, Yamux, identify,
# close). The JDK that made the cache, its folder and its exact version, is written beside it
# (jlibp2p.aot.jdk): a cache serves only that JDK and that jar, and the launcher uses it only for
# them. With a JDK older than 25 this removes any old cache and stops.
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

# The training run makes fresh connections one after another (`ping --repeat`), so the cache keeps,
# besides the classes, the method profiles of a connection's path (JEP 515): a process that replays
# them compiles that path early, and its connections reach their warm speed sooner (`ping --repeat
# 200` with both compilers, against a warm listener: the median of the last 100 0.84 of a cache
# without them; BENCHMARKS.md).
# A one-shot command would pay for that early compiling on the cores its own work needs (a fresh
# `ping` 1.2-1.5 of the time), so the launcher turns the replay off for every command but the
# long-running ones, with the options written as the third line beside the cache (none when this
# JDK does not know them: then every command replays).
TRAINING_CONNECTIONS=300
made=""
# Through the launcher, with the options its users run with (the cache is removed above, so it
# passes none; its JAVA_HOME is this one), but with both compilers at their usual counts, as the
# long-running commands that replay the profiles run: the launcher runs `ping --repeat` with C1
# alone, whose code gathers no profiles (a cache 1 MiB smaller, without them).
training_jit="-XX:TieredStopAtLevel=4 -XX:CompileThresholdScaling=1"
if JAVA_HOME="$JAVA_HOME" JLIBP2P_JAVA_OPTS="-XX:AOTCacheOutput=$aot $training_jit" bin/jlibp2p ping "$addr" --repeat "$TRAINING_CONNECTIONS" \
    > "$work/train.out" 2>&1 && [ -f "$aot" ]; then
  made=yes
fi
no_replay="-XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining"
# shellcheck disable=SC2086 # two options
if ! "$JAVA_HOME/bin/java" $no_replay -version > /dev/null 2>&1; then
  no_replay=""
fi
if [ -n "$made" ]; then
  read_release "$JAVA_HOME" JAVA_RUNTIME_VERSION
  printf '%s\n%s\n%s\n' "$JAVA_HOME" "$value" "$no_replay" > "$aot.jdk"
  echo "aot-cache: wrote $aot ($(( $(stat -c %s "$aot") / 1048576 )) MiB) for the JDK at $JAVA_HOME, with the method profiles of $TRAINING_CONNECTIONS connections"
else
  rm -f "$aot"
  echo "aot-cache: the training run failed; the jar runs without a cache:" >&2
  cat "$work/train.out" >&2
fi
