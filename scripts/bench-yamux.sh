#!/usr/bin/env bash
# Yamux alone (no encryption): one stream's throughput over pipes and loopback TCP, fixed vs auto-tuned
# window, and streams opened+closed per second. Usage: scripts/bench-yamux.sh [MiB per run, default 2048]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
mvn -B -q -pl libp2p-yamux -am test-compile
cp=libp2p-core/target/classes:libp2p-core/target/test-classes:libp2p-yamux/target/classes:libp2p-yamux/target/test-classes
java -cp "$cp" org.jlibp2p.yamux.YamuxBenchmark "${1:-2048}"
