#!/usr/bin/env bash
# Runs every test: the provider's own tests and the JSR-107 TCK, each against private memcached
# processes the tests start themselves.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-memcached.sh
mvn -B -ntp verify "$@"
