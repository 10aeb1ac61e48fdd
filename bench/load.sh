#!/usr/bin/env bash
# Load test (`make load`): the production server under concurrent users, on loopback only.
#
# Starts gunicorn with config/gunicorn.conf.py on a free 127.0.0.1 port against the database
# DATABASE_URL names (empty: db.sqlite3, the one `make run` seeds; it must be migrated and seeded,
# `manage.py seed_demo`), logs in as the demo user tinhdoan (the whole province), and runs wrk with
# that session on three pages at 10 and 50 connections. Prints one JSON line per run
# ({"name": "load_<page>_c<N>", "rps": …, "p99_ms": …, "errors": …, …}) and appends it to
# bench/results.jsonl. Every response must be a 200: a redirect (a lost session), an error page or a
# socket error counts in "errors", and the script exits non-zero when any run had one. gunicorn is
# always stopped, whatever happens.
#
# Environment: LOAD_DURATION (per run, default 15s), LOAD_CONNECTIONS (default "10 50"),
# LOAD_USER / LOAD_PASSWORD (default tinhdoan / demo12345), LOAD_RESULTS (default
# bench/results.jsonl), and gunicorn's own (WEB_CONCURRENCY, GUNICORN_THREADS…, see
# config/gunicorn.conf.py). Progress and wrk's report go to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
GUNICORN=${GUNICORN:-$ROOT/.venv/bin/gunicorn}
RESULTS=${LOAD_RESULTS:-$ROOT/bench/results.jsonl}
DURATION=${LOAD_DURATION:-15s}
CONNECTIONS=${LOAD_CONNECTIONS:-10 50}
LOGIN_USER=${LOAD_USER:-tinhdoan}
LOGIN_PASSWORD=${LOAD_PASSWORD:-demo12345}
# name, then path: the roster's first page, a name search on it, the dashboard.
PAGES=(
	"cadres" "/cadres/"
	"cadres_search" "/cadres/?q=nguyen+thi+lan"
	"dashboard" "/"
)

log() { echo "== $*" >&2; }
die() {
	echo "load.sh: $*" >&2
	exit 1
}

command -v wrk >/dev/null || die "wrk is missing (Debian: apt-get install wrk)"
command -v curl >/dev/null || die "curl is missing"
[[ -x $GUNICORN ]] || die "no gunicorn at $GUNICORN (make install)"

# Production settings, less TLS: plain HTTP on loopback.
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false \
	CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0
export SECRET_KEY=${SECRET_KEY:-$("$PYTHON" -c "import secrets; print(secrets.token_urlsafe(50))")}
export DATABASE_URL=${DATABASE_URL:-}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/canbodoan-load.XXXXXX")
SERVER_PID=""
stop_server() {
	local status=$?
	if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
		log "stopping gunicorn (pid $SERVER_PID)"
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	if ((status != 0)) && [[ -s $WORK/gunicorn.log ]]; then
		echo "--- last lines of gunicorn's log:" >&2
		grep -Ev ' (GET|POST|HEAD) /' "$WORK/gunicorn.log" | tail -n 20 >&2 || true
	fi
	rm -rf "$WORK"
	exit "$status"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "database: ${DATABASE_URL:-sqlite db.sqlite3 (default)}"
CADRES=$("$PYTHON" manage.py shell --no-imports -c "
from accounts.models import User
from cadres.models import Cadre
if not User.objects.filter(username='$LOGIN_USER').exists():
    raise SystemExit('no user $LOGIN_USER in this database: run manage.py migrate and seed_demo first')
print(Cadre.objects.count())
" 2>"$WORK/check.log") || die "the database is not ready: $(tail -n 1 "$WORK/check.log")"
case $DATABASE_URL in
postgres* | postgis*) ENGINE=postgresql ;;
*) ENGINE=sqlite ;;
esac
log "collectstatic (the manifest storage of DEBUG=false needs it)"
"$PYTHON" manage.py collectstatic --noinput -v0

# What the configuration gives on this machine (WEB_CONCURRENCY, GUNICORN_THREADS or defaults).
read -r WORKERS THREADS < <("$GUNICORN" -c config/gunicorn.conf.py --print-config |
	awk '$1 == "workers" { w = $3 } $1 == "threads" { t = $3 } END { print w, t }')
log "starting gunicorn on a free loopback port"
GUNICORN_BIND=127.0.0.1:0 "$GUNICORN" -c config/gunicorn.conf.py >"$WORK/gunicorn.log" 2>&1 &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 300); do
	PORT=$(sed -n 's|.*Listening at: http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$WORK/gunicorn.log" | head -n 1)
	[[ -n $PORT ]] && break
	kill -0 "$SERVER_PID" 2>/dev/null || die "gunicorn did not start"
	sleep 0.1
done
[[ -n $PORT ]] || die "gunicorn did not report its port"
BASE=http://127.0.0.1:$PORT
for _ in $(seq 1 600); do
	[[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz") == 200 ]] && break
	kill -0 "$SERVER_PID" 2>/dev/null || die "gunicorn stopped"
	sleep 0.1
done
[[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz") == 200 ]] || die "$BASE/healthz does not answer 200"
log "gunicorn at $BASE (pid $SERVER_PID, $WORKERS workers × $THREADS threads), $CADRES cadres"

log "logging in as $LOGIN_USER"
JAR=$WORK/cookies.txt
TOKEN=$(curl -s -c "$JAR" "$BASE/accounts/login/" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n 1)
[[ -n $TOKEN ]] || die "no CSRF token on the login page"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" -c "$JAR" -H "Referer: $BASE/accounts/login/" \
	--data-urlencode "csrfmiddlewaretoken=$TOKEN" --data-urlencode "username=$LOGIN_USER" \
	--data-urlencode "password=$LOGIN_PASSWORD" "$BASE/accounts/login/")
# curl writes HttpOnly cookies as "#HttpOnly_<domain>" lines: field 6 is the name, 7 the value.
SESSION=$(awk '$6 == "sessionid" { print $7 }' "$JAR")
[[ $STATUS == 302 && -n $SESSION ]] || die "login as $LOGIN_USER failed (HTTP $STATUS): wrong password, or locked out"
COOKIE="Cookie: sessionid=$SESSION"

for ((i = 0; i < ${#PAGES[@]}; i += 2)); do
	path=${PAGES[i + 1]}
	status=$(curl -s -o /dev/null -w '%{http_code}' -H "$COOKIE" "$BASE$path")
	[[ $status == 200 ]] || die "$path answers $status, not 200"
done

# Counts the responses that are not a 200 (wrk itself counts only statuses above 399), and prints
# one machine-readable line from the same latency histogram as wrk's --latency report.
cat >"$WORK/report.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_200 = 0 end
function response(status, headers, body)
  if status ~= 200 then not_200 = not_200 + 1 end
end
function done(summary, latency, requests)
  local not_ok = 0
  for _, thread in ipairs(threads) do not_ok = not_ok + thread:get("not_200") end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %.3f %.3f\n", summary.requests, summary.duration,
    not_ok, e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
LUA

# Each worker renders each page once before anything is timed (imports, template loading).
log "warming up"
for ((i = 0; i < ${#PAGES[@]}; i += 2)); do
	wrk -t2 -c10 -d3s --timeout 30s -H "$COOKIE" "$BASE${PAGES[i + 1]}" >/dev/null
done

STAMP=$(printf '"date": "%s", "machine": "%s %s cores %s"' "$(date +%F)" \
	"$(hostname | tr -cd '[:alnum:]._-')" "$(nproc)" "$(uname -m)")
FAILED=0
for connections in $CONNECTIONS; do
	for ((i = 0; i < ${#PAGES[@]}; i += 2)); do
		name=load_${PAGES[i]}_c$connections
		log "$name: wrk -t2 -c$connections -d$DURATION --latency ${PAGES[i + 1]}"
		wrk -t2 -c"$connections" -d"$DURATION" --latency --timeout 30s -s "$WORK/report.lua" \
			-H "$COOKIE" "$BASE${PAGES[i + 1]}" >"$WORK/wrk.out"
		grep -v '^RESULT ' "$WORK/wrk.out" >&2
		read -r _ requests duration_us not_200 socket_errors p50 p99 < <(grep '^RESULT ' "$WORK/wrk.out") ||
			die "wrk gave no result"
		errors=$((not_200 + socket_errors))
		((errors == 0)) || FAILED=1
		rps=$(awk -v n="$requests" -v us="$duration_us" 'BEGIN { printf "%.1f", n / (us / 1e6) }')
		line=$(printf '{"name": "%s", "rps": %s, "p99_ms": %.1f, "errors": %d, "p50_ms": %.1f, "requests": %d, "not_200": %d, "socket_errors": %d, "connections": %d, "seconds": %.1f, "workers": %d, "threads": %d, "db": "%s", "cadres": %d, %s}' \
			"$name" "$rps" "$p99" "$errors" "$p50" "$requests" "$not_200" "$socket_errors" "$connections" \
			"$(awk -v us="$duration_us" 'BEGIN { print us / 1e6 }')" "$WORKERS" "$THREADS" "$ENGINE" "$CADRES" "$STAMP")
		echo "$line"
		echo "$line" >>"$RESULTS"
	done
done

((FAILED == 0)) || die "some responses were not 200 (see \"errors\")"
