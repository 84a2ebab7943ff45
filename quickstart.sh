#!/usr/bin/env bash
# Runs the quick-start example end to end against a real memcached.
# Usage: ./quickstart.sh [memcached://host:port]   (without an argument a private memcached is started)
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-memcached.sh
mvn -B -q -ntp -DskipTests install -pl examples -am
mvn -B -q -ntp exec:java -pl examples ${1:+-Dexec.args="$1"}
