#!/usr/bin/env bash
# Gossipsub throughput through a network of 100 nodes (random graph, each dials 4) over loopback TCP +
# Noise + Yamux, our nodes (one JVM) and js-libp2p's (@libp2p/gossipsub, two node processes of 50) in
# the same run, strict no-sign, 1 KiB and 100 KiB messages from random publishers.
# Needs node and npm. Usage: scripts/bench-pubsub-net.sh [1 KiB messages, 500] [100 KiB messages, 50]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
mvn -B -q -pl libp2p-tests -am test-compile < /dev/null
(cd interop/js-peer && { [ -d node_modules/@libp2p/gossipsub ] || npm ci --no-audit --no-fund < /dev/null; })
# run from libp2p-tests, as its tests run: the js nodes are found at ../interop/js-peer
cd libp2p-tests
cp=../libp2p-core/target/classes:../libp2p-core/target/test-classes:../libp2p-tcp/target/classes:../libp2p-noise/target/classes
cp=$cp:../libp2p-yamux/target/classes:../libp2p-pubsub/target/classes:target/test-classes
java -cp "$cp" org.jlibp2p.tests.interop.PubSubNetworkThroughputBenchmark "${1:-500}" "${2:-50}"
