#!/usr/bin/env bash
# One Noise connection: throughput over pipes and loopback TCP, and handshakes per second.
# Usage: scripts/bench-noise.sh [MiB per run, default 2048]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
mvn -B -q -pl libp2p-noise -am test-compile
cp=libp2p-core/target/classes:libp2p-core/target/test-classes:libp2p-noise/target/classes:libp2p-noise/target/test-classes
java -cp "$cp" org.jlibp2p.noise.NoiseBenchmark "${1:-2048}"
