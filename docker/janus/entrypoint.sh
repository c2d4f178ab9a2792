#!/bin/bash
# Entrypoint of the Janus image: renders Janus's configs from the repository's janus-config/
# (copied into the image as templates) and the environment, then runs Janus as the unprivileged
# user `janus`. Secrets are read from files at start (docker secrets), never from the image.
#
#   interview-janus-entrypoint janus [ARGS...]   render, then run Janus (the image's default)
#   interview-janus-entrypoint render            render into $JANUS_RENDER_DIR and exit
#   interview-janus-entrypoint COMMAND...        run COMMAND as is (debugging)
#
# Environment (docs/DEPLOYMENT.md has the table):
#   JANUS_ADMIN_SECRET_FILE   file with the admin API secret (default /run/secrets/janus_admin_secret)
#   INTERVIEW_SERVICE_KEY_FILE  file with the key the plugin presents to the service
#                             (default /run/secrets/service_key)
#   INTERVIEW_SERVICE_URL     base URL of the interview service (default http://service:8090)
#   INTERVIEW_EARLY_JOIN_MINUTES  the plugin's early_join_minutes (default: the plugin's, 15)
#   INTERVIEW_REDIS_HOST, INTERVIEW_REDIS_PORT  where the plugin's Redis is (default redis, 6379)
#   INTERVIEW_REDIS_SENTINELS, INTERVIEW_REDIS_SENTINEL_MASTER  instead: Redis behind Sentinel,
#                             "host:port,host:port" and the master's name (default: none)
#   INTERVIEW_REDIS_WAIT_REPLICAS  the plugin's redis_wait_replicas, 0-8 (default: 0)
#   INTERVIEW_REDIS_PASSWORD_FILE  file with Redis's password, for the plugin's AUTH
#                             (default /run/secrets/redis_password; when that default is absent,
#                             no AUTH; a file named explicitly must exist)
#   JANUS_PUBLIC_IP           public address(es) for ICE: nat_1_1_mapping (default: none)
#   JANUS_KEEP_PRIVATE_HOST   true: advertise the private address too (default false)
#   JANUS_RTP_PORT_RANGE      UDP ports for media, e.g. 20000-20099 (default 20000-20099)
#   JANUS_LOG_LEVEL           0 (none) .. 7 (huge) (default 4, info)
#   JANUS_SESSION_TIMEOUT     seconds without keepalive before a session ends (default 60)
#   JANUS_STUN_SERVER, JANUS_STUN_PORT                 (default: none, 3478)
#   JANUS_TURN_SERVER, JANUS_TURN_PORT, JANUS_TURN_TYPE, JANUS_TURN_USER,
#   JANUS_TURN_PASSWORD_FILE                           (default: none, 3478, udp)
#   JANUS_TURN_SECRET_FILE    instead of a user and password: the TURN server's shared secret
#                             (coturn's use-auth-secret, e.g. /run/secrets/turn_secret); the
#                             entrypoint derives a credential "<expiry>:janus" from it, valid
#                             for JANUS_TURN_CREDENTIAL_DAYS (default 365) from the start
#   JANUS_ICE_ENFORCE_LIST, JANUS_ICE_IGNORE_LIST      (default: none, the template's list)
#   JANUS_TEMPLATE_DIR        templates (default /usr/share/interview/janus-config)
#   JANUS_RENDER_DIR          output folder, given to janus -F (default /run/janus-config)
set -euo pipefail

TEMPLATE_DIR=${JANUS_TEMPLATE_DIR:-/usr/share/interview/janus-config}
RENDER_DIR=${JANUS_RENDER_DIR:-/run/janus-config}

die() {
    echo "janus-entrypoint: $*" >&2
    exit 1
}

# read_secret FILE WHAT: prints the first line of FILE, trailing whitespace removed.
read_secret() {
    local file=$1 what=$2 value
    [ -r "$file" ] || die "$what: cannot read $file (create it: docs/DEPLOYMENT.md, 'Secrets')"
    IFS= read -r value <"$file" || true
    value=${value%%[[:space:]]*}
    [ ${#value} -ge 16 ] || die "$what in $file is shorter than 16 characters"
    case $value in
        *[!A-Za-z0-9._~+/=-]*) die "$what in $file must be printable ASCII without quotes or spaces" ;;
    esac
    printf '%s' "$value"
}

# hmac_sha1_base64 KEY MESSAGE: base64(HMAC-SHA1(KEY, MESSAGE)) (RFC 2104), in the shell
# itself and sha1sum reading stdin, so that the key never appears on a command line (openssl's
# -hmac would put it there). KEY: ASCII, at most 64 bytes (the secrets are 43).
hmac_sha1_base64() {
    local key=$1 msg=$2 i c ipad="" opad="" inner
    [ ${#key} -le 64 ] || die "TURN secret longer than 64 characters"
    for ((i = 0; i < 64; i++)); do
        c=0
        if ((i < ${#key})); then
            printf -v c '%d' "'${key:i:1}"
        fi
        printf -v ipad '%s\\x%02x' "$ipad" $((c ^ 0x36))
        printf -v opad '%s\\x%02x' "$opad" $((c ^ 0x5c))
    done
    inner=$({ printf '%b' "$ipad"; printf '%s' "$msg"; } | sha1sum)
    inner=${inner%% *}
    { printf '%b' "$opad"; printf '%b' "$(sed 's/../\\x&/g' <<<"$inner")"; } |
        sha1sum | { read -r hex _; printf '%b' "$(sed 's/../\\x&/g' <<<"$hex")"; } | base64
}

# check NAME VALUE REGEX: the value of an environment variable must match REGEX.
check() {
    [[ $2 =~ $3 ]] || die "$1='$2' is not valid (expected $4)"
}

# set_key FILE KEY VALUE: replaces the first uncommented `KEY = ...` line; fails if absent, so a
# template that changed shape is noticed at start rather than silently left unconfigured.
set_key() {
    local file=$1
    KEY=$2 VAL=$3 awk '
        BEGIN { k = ENVIRON["KEY"]; v = ENVIRON["VAL"] }
        !done && $0 ~ ("^[ \t]*" k "[ \t]*=") {
            match($0, /^[ \t]*/); print substr($0, 1, RLENGTH) k " = " v; done = 1; next
        }
        { print }
        END { exit done ? 0 : 3 }' "$file" >"$file.tmp" ||
        die "template $(basename "$file") has no '$2 = ...' line to set"
    mv "$file.tmp" "$file"
}

# add_key FILE GROUP KEY VALUE: adds `KEY = VALUE` as the first line of `GROUP: {`.
add_key() {
    local file=$1
    GROUP=$2 KEY=$3 VAL=$4 awk '
        BEGIN { g = ENVIRON["GROUP"] }
        { print }
        !done && $0 ~ ("^[ \t]*" g ":[ \t]*\\{") {
            print "\t" ENVIRON["KEY"] " = " ENVIRON["VAL"]; done = 1
        }
        END { exit done ? 0 : 3 }' "$file" >"$file.tmp" ||
        die "template $(basename "$file") has no '$2: {' group"
    mv "$file.tmp" "$file"
}

# del_key FILE KEY: comments out every uncommented `KEY = ...` line.
del_key() {
    KEY=$2 awk '{ if ($0 ~ ("^[ \t]*" ENVIRON["KEY"] "[ \t]*=")) print "#" $0; else print }' \
        "$1" >"$1.tmp"
    mv "$1.tmp" "$1"
}

q() { printf '"%s"' "$1"; }  # values are checked first: no quote or backslash can reach here

render() {
    local admin_secret service_key url log_level timeout range
    for f in janus.jcfg janus.transport.http.jcfg janus.transport.websockets.jcfg \
             janus.plugin.interview.jcfg; do
        [ -f "$TEMPLATE_DIR/$f" ] || die "template $TEMPLATE_DIR/$f is missing"
    done
    admin_secret=$(read_secret "${JANUS_ADMIN_SECRET_FILE:-/run/secrets/janus_admin_secret}" \
        "admin secret (JANUS_ADMIN_SECRET_FILE)")
    service_key=$(read_secret "${INTERVIEW_SERVICE_KEY_FILE:-/run/secrets/service_key}" \
        "service key (INTERVIEW_SERVICE_KEY_FILE)")

    url=${INTERVIEW_SERVICE_URL:-http://service:8090}
    check INTERVIEW_SERVICE_URL "$url" '^https?://[A-Za-z0-9._:@/-]+$' "an http(s) URL"
    log_level=${JANUS_LOG_LEVEL:-4}
    check JANUS_LOG_LEVEL "$log_level" '^[0-7]$' "0..7"
    timeout=${JANUS_SESSION_TIMEOUT:-60}
    check JANUS_SESSION_TIMEOUT "$timeout" '^[0-9]{1,6}$' "seconds"
    range=${JANUS_RTP_PORT_RANGE:-20000-20099}
    check JANUS_RTP_PORT_RANGE "$range" '^[0-9]{1,5}-[0-9]{1,5}$' "MIN-MAX, e.g. 20000-20099"
    (( ${range%-*} >= 1024 && ${range%-*} <= ${range#*-} && ${range#*-} <= 65535 )) ||
        die "JANUS_RTP_PORT_RANGE='$range': need 1024 <= MIN <= MAX <= 65535"

    mkdir -p "$RENDER_DIR"
    chmod 750 "$RENDER_DIR"
    rm -f "$RENDER_DIR"/*.jcfg "$RENDER_DIR"/interview-service.key
    umask 027
    cp "$TEMPLATE_DIR"/janus.jcfg "$TEMPLATE_DIR"/janus.transport.http.jcfg \
       "$TEMPLATE_DIR"/janus.transport.websockets.jcfg "$TEMPLATE_DIR"/janus.plugin.interview.jcfg \
       "$RENDER_DIR"/

    local main=$RENDER_DIR/janus.jcfg
    set_key "$main" admin_secret "$(q "$admin_secret")"
    set_key "$main" debug_level "$log_level"
    set_key "$main" session_timeout "$timeout"
    set_key "$main" rtp_port_range "$(q "$range")"
    set_key "$main" configs_folder "$(q "$RENDER_DIR")"
    if [ -n "${JANUS_PUBLIC_IP:-}" ]; then
        check JANUS_PUBLIC_IP "$JANUS_PUBLIC_IP" '^[0-9A-Fa-f.:,]+$' "IP address(es), comma-separated"
        add_key "$main" nat nat_1_1_mapping "$(q "$JANUS_PUBLIC_IP")"
        case ${JANUS_KEEP_PRIVATE_HOST:-false} in
            true | false) add_key "$main" nat keep_private_host "${JANUS_KEEP_PRIVATE_HOST:-false}" ;;
            *) die "JANUS_KEEP_PRIVATE_HOST must be true or false" ;;
        esac
    fi
    if [ -n "${JANUS_STUN_SERVER:-}" ]; then
        check JANUS_STUN_SERVER "$JANUS_STUN_SERVER" '^[A-Za-z0-9.:-]+$' "a host name or address"
        check JANUS_STUN_PORT "${JANUS_STUN_PORT:-3478}" '^[0-9]{1,5}$' "a port"
        add_key "$main" nat stun_port "${JANUS_STUN_PORT:-3478}"
        add_key "$main" nat stun_server "$(q "$JANUS_STUN_SERVER")"
    fi
    if [ -n "${JANUS_TURN_SERVER:-}" ]; then
        check JANUS_TURN_SERVER "$JANUS_TURN_SERVER" '^[A-Za-z0-9.:-]+$' "a host name or address"
        check JANUS_TURN_PORT "${JANUS_TURN_PORT:-3478}" '^[0-9]{1,5}$' "a port"
        check JANUS_TURN_TYPE "${JANUS_TURN_TYPE:-udp}" '^(udp|tcp|tls)$' "udp, tcp or tls"
        add_key "$main" nat turn_type "$(q "${JANUS_TURN_TYPE:-udp}")"
        add_key "$main" nat turn_port "${JANUS_TURN_PORT:-3478}"
        add_key "$main" nat turn_server "$(q "$JANUS_TURN_SERVER")"
        if [ -n "${JANUS_TURN_SECRET_FILE:-}" ]; then
            [ -z "${JANUS_TURN_USER:-}" ] ||
                die "JANUS_TURN_SECRET_FILE and JANUS_TURN_USER exclude each other"
            local turn_secret turn_user turn_pwd days
            days=${JANUS_TURN_CREDENTIAL_DAYS:-365}
            check JANUS_TURN_CREDENTIAL_DAYS "$days" '^[0-9]{1,4}$' "a number of days"
            turn_secret=$(read_secret "$JANUS_TURN_SECRET_FILE" "TURN secret")
            # coturn's scheme (docs/REST.md): user "<expiry>:<name>", password
            # base64(HMAC-SHA1(secret, user)); valid until the expiry, stored nowhere.
            turn_user="$(( $(date +%s) + days * 86400 )):janus"
            turn_pwd=$(hmac_sha1_base64 "$turn_secret" "$turn_user")
            add_key "$main" nat turn_user "$(q "$turn_user")"
            add_key "$main" nat turn_pwd "$(q "$turn_pwd")"
        elif [ -n "${JANUS_TURN_USER:-}" ]; then
            check JANUS_TURN_USER "$JANUS_TURN_USER" '^[A-Za-z0-9._:@-]+$' "a user name"
            add_key "$main" nat turn_user "$(q "$JANUS_TURN_USER")"
            [ -n "${JANUS_TURN_PASSWORD_FILE:-}" ] ||
                die "JANUS_TURN_USER is set: JANUS_TURN_PASSWORD_FILE must name the password file"
            add_key "$main" nat turn_pwd \
                "$(q "$(read_secret "$JANUS_TURN_PASSWORD_FILE" "TURN password")")"
        fi
    fi
    if [ -n "${JANUS_ICE_ENFORCE_LIST:-}" ]; then
        check JANUS_ICE_ENFORCE_LIST "$JANUS_ICE_ENFORCE_LIST" '^[A-Za-z0-9.:,_-]+$' "a list"
        add_key "$main" nat ice_enforce_list "$(q "$JANUS_ICE_ENFORCE_LIST")"
    fi
    if [ -n "${JANUS_ICE_IGNORE_LIST:-}" ]; then
        check JANUS_ICE_IGNORE_LIST "$JANUS_ICE_IGNORE_LIST" '^[A-Za-z0-9.:,_-]+$' "a list"
        set_key "$main" ice_ignore_list "$(q "$JANUS_ICE_IGNORE_LIST")"
    fi

    # The WebSocket transport listens on every address of the container (docker-compose.yml
    # decides what the host publishes); HTTP and the admin API stay on the container's loopback.
    del_key "$RENDER_DIR/janus.transport.websockets.jcfg" ws_ip

    local plugin=$RENDER_DIR/janus.plugin.interview.jcfg
    set_key "$plugin" service_url "$(q "$url")"
    set_key "$plugin" service_key_file "$(q interview-service.key)"
    if [ -n "${INTERVIEW_EARLY_JOIN_MINUTES:-}" ]; then
        check INTERVIEW_EARLY_JOIN_MINUTES "$INTERVIEW_EARLY_JOIN_MINUTES" '^[0-9]{1,4}$' "minutes"
        add_key "$plugin" general early_join_minutes "$INTERVIEW_EARLY_JOIN_MINUTES"
    fi
    if [ -n "${INTERVIEW_REDIS_SENTINELS:-}" ]; then
        # Sentinels name the master; INTERVIEW_REDIS_HOST/PORT (set by compose) are not used.
        local endpoint='([A-Za-z0-9._-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):[0-9]{1,5}'
        check INTERVIEW_REDIS_SENTINELS "$INTERVIEW_REDIS_SENTINELS" \
            "^$endpoint( *, *$endpoint){0,7}\$" "1 to 8 host:port separated by commas"
        [ -n "${INTERVIEW_REDIS_SENTINEL_MASTER:-}" ] ||
            die "INTERVIEW_REDIS_SENTINELS is set: INTERVIEW_REDIS_SENTINEL_MASTER must name the master"
        check INTERVIEW_REDIS_SENTINEL_MASTER "$INTERVIEW_REDIS_SENTINEL_MASTER" \
            '^[A-Za-z0-9._-]{1,64}$' "the name the Sentinels monitor"
        add_key "$plugin" general redis_sentinels "$(q "$INTERVIEW_REDIS_SENTINELS")"
        add_key "$plugin" general redis_sentinel_master "$(q "$INTERVIEW_REDIS_SENTINEL_MASTER")"
    else
        [ -z "${INTERVIEW_REDIS_SENTINEL_MASTER:-}" ] ||
            die "INTERVIEW_REDIS_SENTINEL_MASTER is set: INTERVIEW_REDIS_SENTINELS must list the Sentinels"
        local redis_host=${INTERVIEW_REDIS_HOST:-redis} redis_port=${INTERVIEW_REDIS_PORT:-6379}
        check INTERVIEW_REDIS_HOST "$redis_host" '^[A-Za-z0-9._-]{1,253}$' "a host name"
        check INTERVIEW_REDIS_PORT "$redis_port" '^[0-9]{1,5}$' "a port number"
        add_key "$plugin" general redis_host "$(q "$redis_host")"
        add_key "$plugin" general redis_port "$redis_port"
    fi
    if [ -n "${INTERVIEW_REDIS_WAIT_REPLICAS:-}" ]; then
        check INTERVIEW_REDIS_WAIT_REPLICAS "$INTERVIEW_REDIS_WAIT_REPLICAS" '^[0-8]$' "0 to 8"
        add_key "$plugin" general redis_wait_replicas "$INTERVIEW_REDIS_WAIT_REPLICAS"
    fi
    local redis_password_file=${INTERVIEW_REDIS_PASSWORD_FILE:-/run/secrets/redis_password}
    if [ -n "${INTERVIEW_REDIS_PASSWORD_FILE:-}" ] || [ -e "$redis_password_file" ]; then
        local redis_password
        redis_password=$(read_secret "$redis_password_file" \
            "Redis password (INTERVIEW_REDIS_PASSWORD_FILE)")
        (umask 077 && printf '%s\n' "$redis_password" >"$RENDER_DIR/redis.password")
        add_key "$plugin" general redis_password_file "$(q redis.password)"
    fi
    (umask 077 && printf '%s\n' "$service_key" >"$RENDER_DIR/interview-service.key")
    echo "janus-entrypoint: configs rendered in $RENDER_DIR (service $url, RTP $range," \
         "log level $log_level${JANUS_PUBLIC_IP:+, nat_1_1_mapping $JANUS_PUBLIC_IP})" >&2
}

case "${1:-janus}" in
    render)
        render
        ;;
    janus)
        [ $# -gt 0 ] && shift
        render
        chown -R janus:janus "$RENDER_DIR"
        # -o: no colours in `docker logs`; logs go to stdout. setpriv drops root for good.
        exec setpriv --reuid=janus --regid=janus --init-groups \
            /usr/bin/janus -F "$RENDER_DIR" -o "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
