#!/usr/bin/env bash
# Prints sign and verify operations per second for each libp2p key type.
# Usage: scripts/bench-keys.sh [seconds per measurement, default 2]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
mvn -B -q -pl libp2p-core test-compile
java -cp libp2p-core/target/classes:libp2p-core/target/test-classes org.jlibp2p.core.crypto.KeyBenchmark "${1:-2}"
