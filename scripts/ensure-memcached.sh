#!/usr/bin/env bash
# Makes sure the memcached binary is on this machine: installs Debian's package when it is missing
# and we are root; otherwise says how to install it and fails.
set -euo pipefail
if command -v memcached >/dev/null 2>&1 || [ -x /usr/bin/memcached ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "memcached is missing: installing Debian's package" >&2
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q memcached
  # Debian's package may start a system memcached on 11211; our tests use their own ports.
  exit 0
fi
echo "memcached is missing: install it with 'sudo apt-get install -y memcached' (Debian/Ubuntu)" >&2
exit 1
