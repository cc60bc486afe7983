#!/usr/bin/env bash
# Gossipsub throughput through a line of three nodes over loopback TCP + Noise + Yamux, our nodes and
# js-libp2p's (@libp2p/gossipsub) in the same run, both signing policies, 1 KiB and 100 KiB messages.
# Needs node and npm. Usage: scripts/bench-pubsub-js.sh [1 KiB messages, 1000] [100 KiB messages, 100]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
mvn -B -q -pl libp2p-tests -am test-compile
(cd interop/js-peer && { [ -d node_modules/@libp2p/gossipsub ] || npm ci --no-audit --no-fund; })
# run from libp2p-tests, as its tests run: the js peer is found at ../interop/js-peer
cd libp2p-tests
cp=../libp2p-core/target/classes:../libp2p-core/target/test-classes:../libp2p-tcp/target/classes:../libp2p-noise/target/classes
cp=$cp:../libp2p-yamux/target/classes:../libp2p-pubsub/target/classes:target/test-classes
java -cp "$cp" org.jlibp2p.tests.interop.PubSubThroughputBenchmark "${1:-1000}" "${2:-100}"
