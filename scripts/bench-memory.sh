#!/usr/bin/env bash
# Heap and RSS per idle connection (TCP + Noise + Yamux, both ends in one JVM).
# Usage: scripts/bench-memory.sh [connections, default 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
ulimit -n "$(ulimit -Hn)" # each connection takes two descriptors here: both ends live in this JVM
mvn -B -q -pl libp2p-tests -am test-compile
cp=libp2p-core/target/classes:libp2p-tcp/target/classes:libp2p-noise/target/classes:libp2p-yamux/target/classes:libp2p-tests/target/test-classes
java -Xmx8g -cp "$cp" org.jlibp2p.tests.bench.ConnectionMemoryBenchmark "${1:-2000}"
