#!/usr/bin/env bash
# Runs the quick-start example end to end against a real memcached (nothing is installed into ~/.m2).
# Usage: ./quickstart.sh [memcached://host:port]   (without an argument a private memcached is started)
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-memcached.sh
mvn -B -q -ntp -pl examples -am compile exec:java ${1:+-Dexec.args="$1"}
