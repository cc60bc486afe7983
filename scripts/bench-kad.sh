#!/usr/bin/env bash
# The Kademlia DHT simulated in one JVM over the in-memory transport: lookups compared with the true
# k closest, hops against log2 n, requests per lookup, latency p50/p99, GET after PUT, and, with a fifth
# of the nodes unplugged (gone without a word), GET and lookups right after and after a refresh.
# Usage: scripts/bench-kad.sh [sizes, default 100,500,2000] [lookups, default 200] [keys, default 200]
# On 2 cores: 100 and 500 nodes take ~6 min; 2,000 take ~20 min and ~7 GB of the 16 GB heap given here.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
mvn -B -q -pl libp2p-tests -am test-compile
cp=libp2p-core/target/classes:libp2p-yamux/target/classes:libp2p-kad/target/classes:libp2p-tests/target/test-classes
java -Xmx16g -cp "$cp" org.jlibp2p.tests.bench.KadSimulation "${1:-100,500,2000}" "${2:-200}" "${3:-200}"
