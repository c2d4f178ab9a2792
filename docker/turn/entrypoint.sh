#!/bin/bash
# Entrypoint of the TURN image: writes coturn's config from the environment and the turn_secret
# secret into a file only the turnserver user can read (the secret is in neither the image, the
# command line nor the environment), then runs turnserver as that user.
#
#   interview-turn-entrypoint turnserver [EXTRA FLAGS...]   (the image's default)
#   interview-turn-entrypoint COMMAND...                     run COMMAND as is
#
# Environment (docs/DEPLOYMENT.md, "TURN"):
#   TURN_SECRET_FILE        the shared secret (default /run/secrets/turn_secret), the same the
#                           service signs the participants' credentials with
#   TURN_PORT               listening port, UDP and TCP (default 3478)
#   TURN_RELAY_PORT_MIN/MAX the relay ports, published as they are (default 49160-49199)
#   TURN_PUBLIC_IP          the address browsers reach this server at, when it is not the
#                           container's own (external-ip; default: none)
#   TURN_REALM              the realm (default interview-room)
#   TURN_DENIED_PEER_IPS    ranges it never relays to, comma-separated (default: the compose
#                           network, so a relay cannot reach Redis or the service)
set -euo pipefail

die() {
    echo "turn-entrypoint: $*" >&2
    exit 1
}

check() {  # NAME VALUE REGEX WHAT
    [[ "$2" =~ $3 ]] || die "$1 must be $4, got '$2'"
}

if [ "${1:-turnserver}" != turnserver ]; then
    exec "$@"
fi
[ $# -gt 0 ] && shift

secret_file=${TURN_SECRET_FILE:-/run/secrets/turn_secret}
[ -r "$secret_file" ] || die "no TURN secret: create $secret_file (docker/make-secrets.sh)"
secret=$(tr -d '\r\n' <"$secret_file")
[ ${#secret} -ge 16 ] || die "the TURN secret must be at least 16 characters"
[[ "$secret" =~ ^[!-~]+$ ]] || die "the TURN secret must be printable ASCII without spaces"

port=${TURN_PORT:-3478}
min=${TURN_RELAY_PORT_MIN:-49160}
max=${TURN_RELAY_PORT_MAX:-49199}
check TURN_PORT "$port" '^[0-9]{1,5}$' "a port"
check TURN_RELAY_PORT_MIN "$min" '^[0-9]{1,5}$' "a port"
check TURN_RELAY_PORT_MAX "$max" '^[0-9]{1,5}$' "a port"
[ "$min" -le "$max" ] || die "TURN_RELAY_PORT_MIN must not exceed TURN_RELAY_PORT_MAX"
realm=${TURN_REALM:-interview-room}
check TURN_REALM "$realm" '^[A-Za-z0-9.-]{1,64}$' "a realm name"

CONF_DIR=/run/interview-turn
install -d -m 700 -o turnserver -g turnserver "$CONF_DIR"
conf=$CONF_DIR/turnserver.conf
umask 077
{
    echo "listening-port=$port"
    echo "min-port=$min"
    echo "max-port=$max"
    echo "realm=$realm"
    echo "fingerprint"
    echo "use-auth-secret"
    echo "static-auth-secret=$secret"
    # No TLS here (a TLS-terminating proxy or coturn's own certificates: docs/DEPLOYMENT.md).
    echo "no-tls"
    echo "no-dtls"
    echo "no-cli"
    echo "no-multicast-peers"
    echo "log-file=stdout"
    echo "simple-log"
    echo "pidfile=$CONF_DIR/turnserver.pid"
    if [ -n "${TURN_PUBLIC_IP:-}" ]; then
        check TURN_PUBLIC_IP "$TURN_PUBLIC_IP" '^[0-9A-Fa-f.:]+$' "an IP address"
        echo "external-ip=$TURN_PUBLIC_IP"
    fi
    IFS=', ' read -ra denied <<< "${TURN_DENIED_PEER_IPS:-}"
    for range in "${denied[@]}"; do
        if [ -n "$range" ]; then
            check TURN_DENIED_PEER_IPS "$range" '^[0-9A-Fa-f.:]+(-[0-9A-Fa-f.:]+)?$' \
                "addresses or ranges (a-b), comma-separated"
            echo "denied-peer-ip=$range"
        fi
    done
} >"$conf"
chown turnserver:turnserver "$conf"
unset secret
exec setpriv --reuid=turnserver --regid=turnserver --init-groups \
    turnserver -c "$conf" "$@"
