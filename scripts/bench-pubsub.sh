#!/usr/bin/env bash
# Gossipsub in one JVM over the in-memory transport: N nodes on a random connected graph (degree 8),
# M messages from random publishers, per scenario: delivery, latency, duplicates, control bytes; then
# messages per second through a line of three nodes. Usage: scripts/bench-pubsub.sh [nodes 100] [messages 100] [large KiB 100] [only the rows whose label contains this]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
mvn -B -q -pl libp2p-tests -am test-compile
cp=libp2p-core/target/classes:libp2p-core/target/test-classes:libp2p-noise/target/classes:libp2p-yamux/target/classes
cp=$cp:libp2p-pubsub/target/classes:libp2p-tests/target/test-classes
java -cp "$cp" org.jlibp2p.tests.bench.PubSubSimulation "${1:-100}" "${2:-100}" "${3:-100}" "${4:-}"
