#!/usr/bin/env bash
# What the key index behind a proxy costs a put (KeyIndexBenchmark): Cache.put through one Debian
# nutcracker (twemproxy) in front of 2 private memcached servers, with and without keyIndex, in
# the same run.
#
#   benchmarks/key-index.sh [--no-build] [extra JMH args...]
#     e.g. benchmarks/key-index.sh -t 4                       # defaults: 2 x 3 s warmup, 5 x 3 s
#          benchmarks/key-index.sh -wi 1 -w 1s -i 1 -r 1s     # a quick check that it runs
#
# Results: benchmarks/results/key-index.json (JMH JSON) and the JMH console.
# The servers and the proxy listen on free loopback ports and are stopped on exit (trap).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar="$here/target/benchmarks.jar"
if [[ "${1:-}" == "--no-build" ]]; then
  shift
else
  (cd "$root" && mvn -B -q -ntp -pl benchmarks -am package -DskipTests)
fi
[[ -f "$jar" ]] || {
  echo "$jar is missing: build with 'mvn -pl benchmarks -am package -DskipTests'" >&2; exit 1; }
command -v memcached >/dev/null || { echo "memcached not found: apt-get install -y memcached" >&2; exit 1; }
command -v nutcracker >/dev/null || { echo "nutcracker not found: apt-get install -y nutcracker" >&2; exit 1; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    listening "$p" || { echo "$p"; return; }
  done
  echo "no free loopback port" >&2; exit 1
}
wait_for() {
  for _ in $(seq 50); do listening "$1" && return 0; sleep 0.1; done
  echo "nothing listens on 127.0.0.1:$1" >&2; return 1
}

pids=()
work=$(mktemp -d)
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

user=()
[[ $(id -u) == 0 ]] && user=(-u nobody)
servers=""
for _ in 1 2; do
  port=$(free_port)
  memcached -l 127.0.0.1 -p "$port" -U 0 -m 1024 -c 1024 "${user[@]}" &
  pids+=($!)
  wait_for "$port"
  servers+="   - 127.0.0.1:$port:1"$'\n'
done
proxy=$(free_port)
stats=$(free_port)
cat > "$work/nutcracker.yml" <<YML
memjcache:
  listen: 127.0.0.1:$proxy
  hash: fnv1a_64
  distribution: ketama
  timeout: 2000
  auto_eject_hosts: true
  server_retry_timeout: 30000
  server_failure_limit: 2
  servers:
$servers
YML
nutcracker -c "$work/nutcracker.yml" -s "$stats" -a 127.0.0.1 -p "$work/nutcracker.pid" \
  -o "$work/nutcracker.log" &
pids+=($!)
wait_for "$proxy"
echo "nutcracker on 127.0.0.1:$proxy in front of:"$'\n'"$servers"

mkdir -p "$here/results"
java -Xmx256m -jar "$jar" KeyIndexBenchmark -rf json -rff "$here/results/key-index.json" \
  -jvmArgsAppend "-Dmemjcache.bench.proxy=127.0.0.1:$proxy -Xms512m -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn" \
  "$@"
