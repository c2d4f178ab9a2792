#!/bin/bash
# Entrypoint of the interview-service image: copies the keys from docker secrets into a folder
# only the service user can read, then runs the service as that user (never root).
#
#   interview-service-entrypoint interview-service [EXTRA FLAGS...]   (the image's default)
#   interview-service-entrypoint COMMAND...                            run COMMAND as is
#
# Environment (docs/DEPLOYMENT.md has the table):
#   INTERVIEW_ADMIN_KEY_FILE     admin API key file (default /run/secrets/admin_key)
#   INTERVIEW_SERVICE_KEY_FILE   the plugin's key file (default /run/secrets/service_key)
#     When a file is absent, the service reads INTERVIEW_ADMIN_KEY / INTERVIEW_SERVICE_KEY.
#   INTERVIEW_LISTEN             address:port (default 0.0.0.0:8090)
#   INTERVIEW_DB                 SQLite file (default /var/lib/interview/interview-service.db)
#   INTERVIEW_EARLY_JOIN_MINUTES the room opens this many minutes early (default 15)
#   INTERVIEW_CORS_ORIGIN        browser origin allowed to call the API (default: none)
#   INTERVIEW_THREADS            HTTP worker threads (default 4)
#   INTERVIEW_MAX_CONNECTIONS, INTERVIEW_MAX_CONNECTIONS_PER_CLIENT, INTERVIEW_HEADER_TIMEOUT_SECONDS,
#   INTERVIEW_BODY_TIMEOUT_SECONDS, INTERVIEW_IDLE_TIMEOUT_SECONDS
#                                connection caps and timeouts (defaults 512, 32, 10, 30, 15)
#   INTERVIEW_MAX_DOCUMENT_BYTES largest final code, as the plugin's max_document_bytes
#                                (default 1048576)
#   INTERVIEW_TRUSTED_PROXIES    reverse proxies whose X-Forwarded-For names the client, for the
#                                rate limiter: addresses or networks, separated by spaces or
#                                commas (default: none; docker-compose.yml names the web container)
#   INTERVIEW_TURN_HOST          the TURN server browsers use (host or address; default: none):
#                                /me then carries turn:HOST:PORT over UDP and TCP
#   INTERVIEW_TURN_PORT          its port (default 3478)
#   INTERVIEW_TURN_SECRET_FILE   coturn's shared secret (default /run/secrets/turn_secret)
#   INTERVIEW_TURN_TTL_SECONDS   credentials last until the interview's end + this (default 3600)
set -euo pipefail

die() {
    echo "service-entrypoint: $*" >&2
    exit 1
}

if [ "${1:-interview-service}" != interview-service ]; then
    exec "$@"
fi
[ $# -gt 0 ] && shift

KEYS=/run/interview-keys
install -d -m 700 -o interview -g interview "$KEYS"
args=(--listen "${INTERVIEW_LISTEN:-0.0.0.0:8090}"
      --db "${INTERVIEW_DB:-/var/lib/interview/interview-service.db}"
      --early-join-minutes "${INTERVIEW_EARLY_JOIN_MINUTES:-15}"
      --threads "${INTERVIEW_THREADS:-4}"
      --max-document-bytes "${INTERVIEW_MAX_DOCUMENT_BYTES:-1048576}"
      --max-connections "${INTERVIEW_MAX_CONNECTIONS:-512}"
      --max-connections-per-client "${INTERVIEW_MAX_CONNECTIONS_PER_CLIENT:-32}"
      --header-timeout-seconds "${INTERVIEW_HEADER_TIMEOUT_SECONDS:-10}"
      --body-timeout-seconds "${INTERVIEW_BODY_TIMEOUT_SECONDS:-30}"
      --idle-timeout-seconds "${INTERVIEW_IDLE_TIMEOUT_SECONDS:-15}")
[ -n "${INTERVIEW_CORS_ORIGIN:-}" ] && args+=(--cors-origin "$INTERVIEW_CORS_ORIGIN")
# One flag per address or network (read -a: split, never globbed); the service checks each.
IFS=$', \t' read -ra trusted_proxies <<< "${INTERVIEW_TRUSTED_PROXIES:-}"
for range in "${trusted_proxies[@]}"; do
    if [ -n "$range" ]; then
        args+=(--trusted-proxy "$range")
    fi
done

# A key file from docker secrets keeps the host's owner and mode; copy it so that only the
# service user can read it. Without the file the service falls back to its environment variable.
for kind in admin service; do
    var=INTERVIEW_${kind^^}_KEY_FILE
    file=${!var:-/run/secrets/${kind}_key}
    if [ -r "$file" ]; then
        install -m 600 -o interview -g interview "$file" "$KEYS/$kind.key"
        args+=("--$kind-key-file" "$KEYS/$kind.key")
    elif [ -z "$(printenv "INTERVIEW_${kind^^}_KEY" || true)" ]; then
        die "no $kind key: create $file (docs/DEPLOYMENT.md, 'Secrets')"
    fi
done

if [ -n "${INTERVIEW_TURN_HOST:-}" ]; then
    [[ "$INTERVIEW_TURN_HOST" =~ ^[A-Za-z0-9.:-]+$ ]] ||
        die "INTERVIEW_TURN_HOST must be a host name or address, got '$INTERVIEW_TURN_HOST'"
    turn_port=${INTERVIEW_TURN_PORT:-3478}
    [[ "$turn_port" =~ ^[0-9]{1,5}$ ]] || die "INTERVIEW_TURN_PORT must be a port"
    turn_secret=${INTERVIEW_TURN_SECRET_FILE:-/run/secrets/turn_secret}
    [ -r "$turn_secret" ] || die "INTERVIEW_TURN_HOST is set: no TURN secret at $turn_secret"
    install -m 600 -o interview -g interview "$turn_secret" "$KEYS/turn.key"
    host=$INTERVIEW_TURN_HOST
    [[ "$host" == *:* && "$host" != \[* ]] && host="[$host]"  # an IPv6 address
    args+=(--turn-url "turn:$host:$turn_port?transport=udp"
           --turn-url "turn:$host:$turn_port?transport=tcp"
           --turn-secret-file "$KEYS/turn.key"
           --turn-ttl-seconds "${INTERVIEW_TURN_TTL_SECONDS:-3600}")
fi

db=${INTERVIEW_DB:-/var/lib/interview/interview-service.db}
chown interview:interview "$(dirname "$db")"
exec setpriv --reuid=interview --regid=interview --init-groups \
    /usr/local/bin/interview-service "${args[@]}" "$@"
