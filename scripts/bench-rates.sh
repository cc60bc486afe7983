#!/usr/bin/env bash
# Connections upgraded per second (1, 2, 4 concurrent dialers) and streams opened+closed per second,
# over loopback TCP + Noise + Yamux. Usage: scripts/bench-rates.sh [seconds per measurement, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
ulimit -n "$(ulimit -Hn)" # each connection takes two descriptors here: both ends live in this JVM
mvn -B -q -pl libp2p-tests -am test-compile
cp=libp2p-core/target/classes:libp2p-tcp/target/classes:libp2p-noise/target/classes:libp2p-yamux/target/classes:libp2p-tests/target/test-classes
java -cp "$cp" org.jlibp2p.tests.bench.StackBenchmark "${1:-5}"
