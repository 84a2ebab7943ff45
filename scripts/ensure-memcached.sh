#!/usr/bin/env bash
# Makes sure the test dependencies are on this machine: the memcached binary, saslpasswd2
# (Debian's sasl2-bin) for the SASL tests, nutcracker (twemproxy) for the proxy tests, and openssl
# for the TLS tests' certificates. Installs Debian's packages when they are missing and we
# are root; otherwise says how to install them and fails.
set -euo pipefail
missing=()
if ! command -v memcached >/dev/null 2>&1 && [ ! -x /usr/bin/memcached ]; then
  missing+=(memcached)
fi
if ! command -v saslpasswd2 >/dev/null 2>&1 && [ ! -x /usr/sbin/saslpasswd2 ]; then
  missing+=(sasl2-bin)
fi
if ! command -v nutcracker >/dev/null 2>&1 && [ ! -x /usr/sbin/nutcracker ]; then
  missing+=(nutcracker)
fi
if ! command -v openssl >/dev/null 2>&1 && [ ! -x /usr/bin/openssl ]; then
  missing+=(openssl)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "${missing[*]} missing: installing Debian's package(s)" >&2
  apt-get update -q
  for package in "${missing[@]}"; do
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package"
  done
  # Debian's memcached package may start a system memcached on 11211; our tests use their own ports.
  exit 0
fi
echo "${missing[*]} missing: install with 'sudo apt-get install -y ${missing[*]}' (Debian/Ubuntu)" >&2
exit 1
