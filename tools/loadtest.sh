#!/usr/bin/env bash
# Load run of registrations, in one command: the release binary in HTTP
# mode on loopback, held to one CPU (taskset -c $SERVER_CPU), the load
# generator on another (taskset -c $CLIENT_CPU), synchronous=FULL, $CLIENTS
# concurrent clients registering $MEMBERS members new to the bot for one
# published event, and Slack's Web API unreachable (SLACK_API_URL points at
# a closed port: users.info and the outbox fail fast). Each run starts on a
# fresh database and a fresh process.
#
#   tools/loadtest.sh                 # one run
#   RUNS=3 tools/loadtest.sh          # three runs and their medians
#
# Prints the load generator's figures, the server's CPU time per request
# (from /proc/PID/stat), its VmRSS and VmHWM after the run, and the
# warnings it logged. Settings, from the environment:
#   RUNS=1 CLIENTS=50 MEMBERS=2000 CAPACITY=100000 SYNC=FULL PORT=(free, from 18080)
#   SERVER_CPU=1 CLIENT_CPU=0   (the CPUs taskset pins each side to)
#   SERVER_ENV="K=V …"          extra environment for the bot (e.g. CERCLE_OUTBOX_RATE=1)
#   SERVER_FLAGS="…"            extra flags for the bot
#   LOADGEN_FLAGS="…"           extra flags for tools/loadgen (e.g. -timeout 30s)
#   PROFILE=1                   fetch /debug/pprof/profile during the run, if the bot serves it
#   SYSCALLS=1                  count the bot's fsync, pwrite and connect calls with perf stat (root, perf)
#   KEEP=1                      keep the temporary directory (binary, databases, logs)
#   BIN=path                    use this binary instead of building one
# The target of the issue is ≥ 5,000 registrations/s with p99 ≤ 20 ms.
set -euo pipefail
cd "$(dirname "$0")/.."

# Same tags and flags as .ci/run's release build.
TAGS="sqlite_fts5 sqlite_omit_load_extension osusergo netgo"
VERSION="load-$(git rev-parse --short HEAD 2>/dev/null || echo dev)"
RUNS="${RUNS:-1}"
CLIENTS="${CLIENTS:-50}"
MEMBERS="${MEMBERS:-2000}"
CAPACITY="${CAPACITY:-100000}"
SYNC="${SYNC:-FULL}"
SERVER_CPU="${SERVER_CPU:-1}"
CLIENT_CPU="${CLIENT_CPU:-0}"
SECRET="load-$(date +%s%N | sha256sum | cut -c1-32)"
WANT_RATE=5000
WANT_P99=20ms

tmp="$(mktemp -d)"
server_pid=""
cleanup() {
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	if [ "${KEEP:-0}" = 1 ]; then
		echo "kept: $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

echo "== build (release flags of .ci/run)"
if [ -n "${BIN:-}" ]; then
	cp "$BIN" "$tmp/cercle"
else
	CGO_ENABLED=1 go build -trimpath -tags "$TAGS" -ldflags "-s -w -X main.version=$VERSION -linkmode external -extldflags '-static'" -o "$tmp/cercle" .
fi
go build -o "$tmp/loadgen" ./tools/loadgen
go build -tags "$TAGS" -o "$tmp/loadevent" ./tools/loadevent

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "${PORT:-}" ]; then
	PORT=18080
	while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
fi
addr="127.0.0.1:$PORT"
clk_tck="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime

results=()
for run in $(seq 1 "$RUNS"); do
	echo "== run $run/$RUNS: $MEMBERS new members, $CLIENTS clients, synchronous=$SYNC, server on CPU $SERVER_CPU, load on CPU $CLIENT_CPU"
	db="$tmp/load-$run.db"
	log="$tmp/server-$run.log"
	event="$("$tmp/loadevent" -db "$db" -capacity "$CAPACITY")"

	# shellcheck disable=SC2086 # SERVER_ENV and SERVER_FLAGS are lists of words
	env -u SLACK_APP_TOKEN \
		SLACK_BOT_TOKEN=xoxb-load SLACK_SIGNING_SECRET="$SECRET" SLACK_API_URL=http://127.0.0.1:9/api/ \
		CERCLE_DB="$db" CERCLE_HTTP_ADDR="$addr" CERCLE_SYNCHRONOUS="$SYNC" LOG_LEVEL=warn \
		${SERVER_ENV:-} taskset -c "$SERVER_CPU" "$tmp/cercle" -mode http ${SERVER_FLAGS:-} 2>"$log" &
	server_pid=$!
	for _ in $(seq 1 100); do
		if CERCLE_HTTP_ADDR="$addr" "$tmp/cercle" healthcheck 2>/dev/null; then
			break
		fi
		if ! kill -0 "$server_pid" 2>/dev/null; then
			echo "the bot exited at start:" >&2
			cat "$log" >&2
			exit 1
		fi
		sleep 0.1
	done
	CERCLE_HTTP_ADDR="$addr" "$tmp/cercle" healthcheck

	prof_pid=""
	if [ "${PROFILE:-0}" = 1 ]; then
		code="none"
		if command -v curl >/dev/null; then
			code="$(curl -s -o /dev/null -w '%{http_code}' "http://$addr/debug/pprof/" || true)"
		fi
		if [ "$code" = 200 ]; then
			curl -s -o "$tmp/cpu-$run.pprof" "http://$addr/debug/pprof/profile?seconds=${PROFILE_SECONDS:-5}" &
			prof_pid=$!
		else
			echo "PROFILE=1: the bot serves no /debug/pprof (HTTP $code); profile in-process instead:"
			echo "  go test -tags \"$TAGS\" -run '^\$' -bench 'RegisterNewMembers/loopback' -benchtime 20000x -cpu 1 -benchmem -cpuprofile cpu.out ./bot/"
		fi
	fi

	perf_pid=""
	if [ "${SYSCALLS:-0}" = 1 ] && command -v perf >/dev/null; then
		perf stat -x, -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync,syscalls:sys_enter_pwrite64,syscalls:sys_enter_connect \
			-p "$server_pid" -o "$tmp/syscalls-$run.csv" &
		perf_pid=$!
		sleep 0.5 # perf attaches
	fi
	before="$(cpu_ticks "$server_pid")"
	set +e
	# shellcheck disable=SC2086
	taskset -c "$CLIENT_CPU" "$tmp/loadgen" -url "http://$addr/slack/events" -secret "$SECRET" \
		-clients "$CLIENTS" -members "$MEMBERS" -event "$event" -prefix "L${run}R$(date +%s)U" \
		-want-rate "$WANT_RATE" -want-p99 "$WANT_P99" ${LOADGEN_FLAGS:-} | tee "$tmp/loadgen-$run.out"
	lg_status="${PIPESTATUS[0]}"
	set -e
	after="$(cpu_ticks "$server_pid")"
	cpu_us=$(awk -v t=$((after - before)) -v hz="$clk_tck" -v n="$MEMBERS" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }')
	rss="$(awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status")"
	hwm="$(awk '/^VmHWM/ { print $2 }' "/proc/$server_pid/status")"
	echo "server CPU  ${cpu_us} µs per request ($(((after - before) * 1000 / clk_tck)) ms in all, user+system)"
	echo "server RSS  VmRSS $((rss / 1024)) MiB, VmHWM $((hwm / 1024)) MiB"
	if [ -n "$perf_pid" ]; then
		kill -INT "$perf_pid"
		wait "$perf_pid" || true
		awk -F, -v n="$MEMBERS" '$3 ~ /sys_enter_/ { sub(/.*sys_enter_/, "", $3); printf "%s%s %d (%.2f per request)", sep, $3, $1, $1 / n; sep = ", " } END { print "" }' \
			"$tmp/syscalls-$run.csv" | sed 's/^/syscalls    /'
	fi
	if [ -n "$prof_pid" ]; then
		wait "$prof_pid" || true
		echo "profile     $tmp/cpu-$run.pprof (go tool pprof -top $tmp/cercle $tmp/cpu-$run.pprof; KEEP=1 keeps it)"
	fi

	kill -TERM "$server_pid"
	wait "$server_pid" || echo "the bot exited with status $?"
	server_pid=""
	warnings="$(grep -c '"level":"\(WARN\|ERROR\)"' "$log" || true)"
	echo "server log  $warnings warning/error lines; by message:"
	sed -n 's/.*"msg":"\([^"]*\)".*/\1/p' "$log" | sort | uniq -c | sort -rn | head -5 | sed 's/^/           /'
	if [ "$lg_status" != 0 ]; then
		echo "run $run: the load generator reported failures (status $lg_status)" >&2
	fi
	line="$(grep '^RESULT' "$tmp/loadgen-$run.out" || true)"
	results+=("$line cpu_us=$cpu_us rss_kib=$rss")
done

if [ "$RUNS" -gt 1 ]; then
	echo "== medians of $RUNS runs"
	median() { # key: median of key=value over the runs
		printf '%s\n' "${results[@]}" | tr ' ' '\n' | sed -n "s/^$1=//p" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
	}
	for key in rate p50_ms p90_ms p99_ms max_ms cpu_us rss_kib failures; do
		printf '%-9s %s   (runs: %s)\n' "$key" "$(median "$key")" \
			"$(printf '%s\n' "${results[@]}" | tr ' ' '\n' | sed -n "s/^$key=//p" | paste -sd' ')"
	done
fi
