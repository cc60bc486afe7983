#!/usr/bin/env bash
# The Kademlia DHT simulated in one JVM over the in-memory transport: lookups compared with the true
# k closest, hops against log2 n, requests per lookup, latency p50/p99, GET after PUT, and GET with a
# fifth of the nodes gone. Usage: scripts/bench-kad.sh [sizes, default 100,500,1000] [lookups, default 200] [keys, default 200]
# Every connection stays open: 1,000 nodes take ~6 GB of heap; 2,000 need more than the 14 GB given here.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
mvn -B -q -pl libp2p-tests -am test-compile
cp=libp2p-core/target/classes:libp2p-yamux/target/classes:libp2p-kad/target/classes:libp2p-tests/target/test-classes
java -Xmx14g -cp "$cp" org.jlibp2p.tests.bench.KadSimulation "${1:-100,500,1000}" "${2:-200}" "${3:-200}"
