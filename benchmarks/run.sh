#!/usr/bin/env bash
# Runs the MemJCache vs raw spymemcached JMH benchmarks against ONE private memcached.
#
#   benchmarks/run.sh --short [--no-build] [extra JMH args...]   # ~5 min: 1 fork, throughput only
#   benchmarks/run.sh --full  [--no-build] [extra JMH args...]   # ~25 min on 2 cores: throughput +
#                                                                 # sample (p50/p99) + -prof gc +
#                                                                 # client CPU per operation
#   benchmarks/run.sh --runs TABLE.md...   # several paired tables row by row: each run's ratio,
#                                        # their median, in how many runs a target was missed
#   benchmarks/run.sh --paired [--no-build] [--quick] [paired args...]
#                                        # ~8 min: raw and MemJCache alternating in one JVM, 40 pairs
#                                        # of 100 ms rounds per row, median ratio + bootstrap 95 % interval, CPU and
#                                        # B/op; writes results/paired-table.md (--quick: a few rows,
#                                        # results/paired-quick-table.md). See PairedBenchmark.
#                                        # --max-pairs M: rows whose interval is wider than ±5 %
#                                        # get more pairs, up to M.
#
# Every JMH run is made twice, with -t 1 and -t 4. Results: benchmarks/results/<mode>-t<N>.json
# (JMH JSON), <mode>-t<N>.log (JMH console) and <mode>-table.md (from dev.memjcache.bench.ResultsTable).
# Extra arguments go to JMH as they are, e.g. a benchmark regex: run.sh --short 'getHit'; results
# of such runs are written as <mode>-custom-*.
# The server address reaches every fork as -Dmemjcache.bench.server=127.0.0.1:<port>. In paired mode
# the same memcached also listens with TLS (-Z, a certificate and trust store made for the run) for
# the TLS rows (TlsRows): -Dmemjcache.bench.tlsServer, .trustStore, .trustStorePassword.
# MEMCACHED_BIN overrides the memcached binary; the server is stopped on exit (trap).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mode=${1:-}
case "$mode" in
  --short)
    name=short
    title="MemJCache vs raw spymemcached: short run (throughput only)"
    jmh_mode=(-f 1 -wi 1 -w 1s -i 2 -r 1s -bm thrpt -tu s)
    ;;
  --full)
    name=full
    title="MemJCache vs raw spymemcached: full run (throughput, sample, -prof gc)"
    # 24 benchmark/parameter pairs x 2 modes x 2 thread counts = 96 forks of ~15 s.
    # A long warmup: with 2 s the JIT was still compiling the (larger) JCache path and its
    # compiler threads inflated MemJCache's CPU per operation. Many short measured iterations: the
    # table uses the median one, which a noisy neighbour moves less than the mean of a few long ones.
    jmh_mode=(-f 1 -wi 8 -w 1s -i 5 -r 1s -bm thrpt,sample -tu us -prof gc
      -prof dev.memjcache.bench.CpuTimeProfiler)
    ;;
  --paired)
    name=paired
    ;;
  --runs)
    # several paired tables row by row (no server, no build): each run's ratio, the median, misses
    shift
    jar="$here/target/benchmarks.jar"
    [[ -f "$jar" ]] || {
      echo "$jar is missing: build with 'mvn -pl benchmarks -am package -DskipTests'" >&2; exit 1; }
    exec java -cp "$jar" dev.memjcache.bench.PairedRuns "$@"
    ;;
  *)
    echo "usage: $0 --short|--full|--paired [--no-build] [extra args...] | --runs TABLE.md..." >&2
    exit 2
    ;;
esac
shift
build=1
if [[ "${1:-}" == "--no-build" ]]; then
  build=0
  shift
fi

# a filtered or re-parameterized run must not overwrite the complete results of the mode
if [[ $# -gt 0 ]]; then
  name+="-custom"
fi

jar="$here/target/benchmarks.jar"
if [[ $build == 1 ]]; then
  # through the reactor: never installs anything into ~/.m2
  (cd "$root" && mvn -B -q -ntp -pl benchmarks -am package -DskipTests)
fi
[[ -f "$jar" ]] || {
  echo "$jar is missing: build with 'mvn -pl benchmarks -am package -DskipTests'" >&2; exit 1; }

memcached_bin=${MEMCACHED_BIN:-$(command -v memcached || echo /usr/bin/memcached)}
[[ -x "$memcached_bin" ]] || {
  echo "memcached not found: apt-get install -y memcached, or set MEMCACHED_BIN" >&2; exit 1; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mc_pid=""
tls_dir=""
cleanup() {
  if [[ -n "$mc_pid" ]] && kill -0 "$mc_pid" 2>/dev/null; then
    kill "$mc_pid" 2>/dev/null || true
    wait "$mc_pid" 2>/dev/null || true
  fi
}
trap 'cleanup; [[ -z "$tls_dir" ]] || rm -rf "$tls_dir"' EXIT
trap 'exit 130' INT TERM

# Paired mode has TLS rows: the same memcached also listens with TLS (-Z; the plain listener is
# notls:), with a self-signed certificate for IP:127.0.0.1 and a PKCS12 trust store made now.
tls_args=()
tls_password=bench-$RANDOM$RANDOM
if [[ $mode == --paired ]]; then
  command -v openssl >/dev/null 2>&1 || {
    echo "openssl not found: apt-get install -y openssl" >&2; exit 1; }
  tls_dir=$(mktemp -d)
  chmod 755 "$tls_dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
    -keyout "$tls_dir/key.pem" -out "$tls_dir/cert.pem" 2>/dev/null
  chmod 644 "$tls_dir/key.pem"  # memcached runs as nobody under root; a throwaway key
  keytool -importcert -noprompt -alias memcached -file "$tls_dir/cert.pem" \
    -keystore "$tls_dir/truststore.p12" -storetype PKCS12 -storepass "$tls_password" >/dev/null
  tls_args=(-Z -o "ssl_chain_cert=$tls_dir/cert.pem,ssl_key=$tls_dir/key.pem")
fi

# 1 GiB cache: both key spaces at 4 KiB are ~100 MB, so nothing pre-populated is ever evicted.
port=""
tls_port=""
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  candidate=$((20000 + RANDOM % 40000))
  tls_candidate=$((candidate + 1))
  listening "$candidate" && continue
  args=(-l 127.0.0.1 -p "$candidate" -U 0 -m 1024 -c 1024)
  if [[ ${#tls_args[@]} -gt 0 ]]; then
    listening "$tls_candidate" && continue
    args=("${tls_args[@]}" -l "notls:127.0.0.1:$candidate,127.0.0.1:$tls_candidate"
      -p "$candidate" -U 0 -m 1024 -c 1024)
  fi
  [[ $(id -u) == 0 ]] && args+=(-u nobody)
  "$memcached_bin" "${args[@]}" &
  mc_pid=$!
  for _ in $(seq 50); do
    listening "$candidate" && break
    kill -0 "$mc_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$mc_pid" 2>/dev/null && listening "$candidate" \
    && { [[ ${#tls_args[@]} -eq 0 ]] || listening "$tls_candidate"; }; then
    port=$candidate
    [[ ${#tls_args[@]} -eq 0 ]] || tls_port=$tls_candidate
    break
  fi
  cleanup
  mc_pid=""
done
[[ -n "$port" ]] || { echo "could not start memcached on a free loopback port" >&2; exit 1; }
echo "memcached $("$memcached_bin" -V | cut -d' ' -f2) pid $mc_pid on 127.0.0.1:$port"

results="$here/results"
mkdir -p "$results"
fork_jvm="-Dmemjcache.bench.server=127.0.0.1:$port -Xms512m -Xmx512m"
fork_jvm+=" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
fork_jvm+=" -Dnet.spy.log.LoggerImpl=net.spy.memcached.compat.log.SLF4JLogger"

if [[ $mode == --paired ]]; then
  table="$results/paired-table.md"
  for arg in "$@"; do
    [[ "$arg" == --quick || "$arg" == --rows ]] && table="$results/paired-quick-table.md"
  done
  # the "proxy" rows (ProxyRows): one Debian nutcracker in front of the same memcached
  command -v nutcracker >/dev/null || {
    echo "nutcracker not found (the proxy rows): apt-get install -y nutcracker" >&2; exit 1; }
  work=$(mktemp -d)
  proxy_port=""
  for attempt in 1 2 3 4 5; do
    proxy_port=$((20000 + RANDOM % 40000))
    stats_port=$((20000 + RANDOM % 40000))
    listening "$proxy_port" || listening "$stats_port" || break
  done
  printf 'memjcache:\n  listen: 127.0.0.1:%s\n  hash: fnv1a_64\n  distribution: ketama\n  timeout: 2000\n  auto_eject_hosts: false\n  servers:\n   - 127.0.0.1:%s:1\n' \
    "$proxy_port" "$port" > "$work/nutcracker.yml"
  nutcracker -c "$work/nutcracker.yml" -s "$stats_port" -a 127.0.0.1 -p "$work/nutcracker.pid" \
    -o "$work/nutcracker.log" &
  nc_pid=$!
  trap 'kill "$nc_pid" 2>/dev/null || true; wait "$nc_pid" 2>/dev/null || true; rm -rf "$work"; cleanup; [[ -z "$tls_dir" ]] || rm -rf "$tls_dir"' EXIT
  for _ in $(seq 50); do listening "$proxy_port" && break; sleep 0.1; done
  listening "$proxy_port" || { echo "nutcracker did not listen on 127.0.0.1:$proxy_port" >&2; exit 1; }
  echo "nutcracker pid $nc_pid on 127.0.0.1:$proxy_port in front of 127.0.0.1:$port"
  echo "memcached TLS listener on 127.0.0.1:$tls_port"
  java -Xms1g -Xmx1g -Dmemjcache.bench.server="127.0.0.1:$port" \
    -Dmemjcache.bench.proxy="127.0.0.1:$proxy_port" \
    -Dmemjcache.bench.tlsServer="127.0.0.1:$tls_port" \
    -Dmemjcache.bench.trustStore="$tls_dir/truststore.p12" \
    -Dmemjcache.bench.trustStorePassword="$tls_password" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dnet.spy.log.LoggerImpl=net.spy.memcached.compat.log.SLF4JLogger \
    ${PAIRED_JVM_ARGS:-} -cp "$jar" dev.memjcache.bench.PairedBenchmark --out "$table" "$@"
  exit 0
fi

start=$SECONDS
jsons=()
for threads in 1 4; do
  json="$results/$name-t$threads.json"
  rm -f "$json"
  java -Xmx256m -jar "$jar" "${jmh_mode[@]}" -t "$threads" \
    -rf json -rff "$json" -jvmArgsAppend "$fork_jvm" "$@" 2>&1 | tee "$results/$name-t$threads.log"
  [[ -s "$json" ]] && jsons+=("$json")
done
elapsed=$((SECONDS - start))

[[ ${#jsons[@]} -gt 0 ]] || { echo "no JMH results were written" >&2; exit 1; }
table="$results/$name-table.md"
java -cp "$jar" dev.memjcache.bench.ResultsTable "$title" "$table" "${jsons[@]}" >/dev/null

stats=$( { exec 3<>"/dev/tcp/127.0.0.1/$port"; printf 'stats\r\nquit\r\n' >&3; cat <&3; } \
  | tr -d '\r' | awk '$2 == "evictions" || $2 == "curr_items" || $2 == "limit_maxbytes" \
  { printf "%s=%s ", $2, $3 }')
{
  echo
  echo "memcached after the run: ${stats}(evictions must be 0). JMH time: ${elapsed} s."
  if grep -qh '<failure>' "$results/$name"-t*.log; then
    echo
    echo "**Some benchmarks failed**: see \`$name-t1.log\` / \`$name-t4.log\` (rows show n/a)."
  fi
} >> "$table"
cat "$table"
