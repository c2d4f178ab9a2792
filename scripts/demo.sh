#!/usr/bin/env bash
# The one command that runs the demo: installs what is missing, builds, starts Redis, the
# interview service and Janus with the plugin (on loopback), schedules an interview that starts
# in five minutes and prints its join details. Ctrl-C stops everything.
#
#   scripts/demo.sh            run until Ctrl-C
#   scripts/demo.sh --check    start everything, check it answers, print, stop, exit 0/1
#
# State (keys, the SQLite file, logs) lives in .run/demo/; keys are made once and kept there,
# readable only by you. Ports: Janus WebSocket 8188, Janus HTTP 8088, admin API 7088, service 8090,
# Redis 6390 (not 6379, so that a Redis already running on this machine is left alone).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CHECK=0
[ "${1:-}" = --check ] && CHECK=1

scripts/setup.sh >/dev/null
echo "demo: building"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target janus_interview interview-service >/dev/null
echo "demo: building the web demo"
(cd web-demo && npm run --silent build >/dev/null)

RUN="$ROOT/.run/demo"
mkdir -p "$RUN/janus" "$RUN/logs" "$RUN/redis"
chmod 700 "$RUN"
make_key() { [ -s "$1" ] || head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$1"; chmod 600 "$1"; }
make_key "$RUN/admin.key"
make_key "$RUN/service.key"
make_key "$RUN/janus-admin-secret"

# The web demo, served by the service from its own origin. Its config carries the demo admin
# key so that the start page can schedule interviews: only ever in this local demo.
rm -rf "$RUN/web" && cp -r web-demo/dist "$RUN/web"
printf '{"serviceUrl": "", "janusUrl": "ws://127.0.0.1:8188", "demoAdminKey": "%s"}\n' \
    "$(cat "$RUN/admin.key")" >"$RUN/web/config.json"

# Janus configs: the repository's, with this demo's admin secret and key file.
cp janus-config/*.jcfg "$RUN/janus/"
sed -i "s|\"CHANGE-ME-admin-secret\"|\"$(cat "$RUN/janus-admin-secret")\"|" "$RUN/janus/janus.jcfg"
cp "$RUN/service.key" "$RUN/janus/interview-service.key"
sed -i 's|^\t#redis_port = 6379|\tredis_port = 6390|' "$RUN/janus/janus.plugin.interview.jcfg"
printf 'port 6390\nbind 127.0.0.1\ndir %s\nappendonly yes\nappendfsync everysec\nsave ""\n' \
    "$RUN/redis" >"$RUN/redis/redis.conf"

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

redis-server "$RUN/redis/redis.conf" >>"$RUN/logs/redis.log" 2>&1 &
pids+=($!)
build/service/interview-service --listen 127.0.0.1:8090 --db "$RUN/interviews.db" \
    --admin-key-file "$RUN/admin.key" --service-key-file "$RUN/service.key" \
    --static-dir "$RUN/web" >>"$RUN/logs/service.log" 2>&1 &
pids+=($!)
janus -F "$RUN/janus" -P "$ROOT/build/plugin/janus" -L "$RUN/logs/janus.log" -o -N \
    >>"$RUN/logs/janus.out" 2>&1 &
pids+=($!)

wait_for() {  # url what
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "demo: $2 did not start; see $RUN/logs/" >&2
    exit 1
}
for _ in $(seq 1 100); do redis-cli -p 6390 ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p 6390 ping >/dev/null || { echo "demo: Redis did not start; see $RUN/logs/" >&2; exit 1; }
wait_for http://127.0.0.1:8090/v1/health "the interview service"
wait_for http://127.0.0.1:8088/janus/info "Janus"
if ! curl -fsS http://127.0.0.1:8088/janus/info | grep -q '"janus.plugin.interview"'; then
    echo "demo: Janus started but the plugin did not load:" >&2
    grep '\[interview\]' "$RUN/logs/janus.log" >&2 || tail -20 "$RUN/logs/janus.log" >&2
    exit 1
fi
grep -m1 '\[interview\].*initialized' "$RUN/logs/janus.log" || true

start=$(date -u -d '+5 minutes' +%Y-%m-%dT%H:%M:%SZ)
answer=$(curl -fsS -X POST http://127.0.0.1:8090/v1/interviews \
    -H "Authorization: Bearer $(cat "$RUN/admin.key")" -H 'Content-Type: application/json' \
    -d "{\"title\":\"Demo interview\",\"start\":\"$start\",\"duration_minutes\":60,
         \"applicant\":{\"name\":\"Ada Applicant\"},\"recruiters\":[{\"name\":\"Rita Recruiter\"}],
         \"observers\":[{\"name\":\"Olga Observer\"}]}")

/usr/bin/python3 - "$answer" <<'PY'
import json, sys
iv = json.loads(sys.argv[1])
print()
print(f"Interview {iv['id']}: \"{iv['title']}\" starts {iv['start']} (joining opens {iv['opens_at']})")
print("Join links (the token is in the fragment after #, which browsers never send to a server):")
for p in iv["participants"]:
    print(f"  {p['role']:<10} {p['name']:<16} http://127.0.0.1:8090/interview/{iv['id']}#token={p['token']}")
print()
print("Open http://127.0.0.1:8090/ to schedule more interviews (demo only: the page holds the admin key).")
print("Janus API:  ws://127.0.0.1:8188 (janus-protocol)   http://127.0.0.1:8088/janus")
print("Service:    http://127.0.0.1:8090 (admin key in .run/demo/admin.key)")
print("Redis:      127.0.0.1:6390 (the documents: keys {iv:<interview id>}:*)")
print("Logs:       .run/demo/logs/")
PY

if [ "$CHECK" = 1 ]; then
    echo "demo: check passed"
    exit 0
fi
echo "demo: running; press Ctrl-C to stop"
wait -n "${pids[@]}"
echo "demo: a process exited; stopping" >&2
exit 1
