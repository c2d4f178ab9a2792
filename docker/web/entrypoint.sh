#!/bin/bash
# Entrypoint of the web demo image: renders /config.json (read by the app at run time) and the
# nginx config from the environment, then runs nginx in the foreground.
#
#   interview-web-entrypoint nginx     render, then run nginx (the image's default)
#   interview-web-entrypoint render    render into $WEB_RUN_DIR and exit
#   interview-web-entrypoint COMMAND...  run COMMAND as is
#
# Environment (docs/DEPLOYMENT.md has the table):
#   WEB_JANUS_URL        Janus API URL for browsers (default "": ws(s)://<page host>:8188)
#   WEB_SERVICE_URL      interview service URL for browsers (default "": same origin, /v1/ proxied)
#   WEB_ICE_SERVERS      JSON array of RTCIceServer for browsers, e.g. a TURN server (default none)
#   WEB_MEDIA            true: audio and video; false: data channel only (default true)
#   WEB_DEMO_ADMIN_KEY_FILE  local demos only: puts the admin key into config.json so the start
#                        page can schedule interviews; every visitor can read it (default unset)
#   WEB_SERVICE_UPSTREAM host:port nginx proxies /v1/ to (default service:8090)
#   WEB_JANUS_UPSTREAM   host:port nginx proxies /janus-ws to (default janus:8188)
#   WEB_RESOLVER         DNS server for the upstreams (default: the first of /etc/resolv.conf)
set -euo pipefail

WEB_ROOT=${WEB_ROOT:-/usr/share/interview/web}
TEMPLATE=${WEB_TEMPLATE:-/usr/share/interview/nginx.conf.template}
RUN_DIR=${WEB_RUN_DIR:-/run/interview-web}

die() {
    echo "web-entrypoint: $*" >&2
    exit 1
}

check() {
    [[ $2 =~ $3 ]] || die "$1='$2' is not valid (expected $4)"
}

render() {
    local janus_url=${WEB_JANUS_URL:-} service_url=${WEB_SERVICE_URL:-} media=${WEB_MEDIA:-true}
    local ice=${WEB_ICE_SERVERS:-} service_up=${WEB_SERVICE_UPSTREAM:-service:8090}
    local janus_up=${WEB_JANUS_UPSTREAM:-janus:8188} resolver=${WEB_RESOLVER:-} key=""
    [ -z "$janus_url" ] || check WEB_JANUS_URL "$janus_url" '^(wss?|https?)://[A-Za-z0-9._:/-]+$' "a ws(s):// or http(s):// URL"
    [ -z "$service_url" ] || check WEB_SERVICE_URL "$service_url" '^https?://[A-Za-z0-9._:/-]+$' "an http(s):// URL"
    check WEB_MEDIA "$media" '^(true|false)$' "true or false"
    [ -z "$ice" ] || check WEB_ICE_SERVERS "$ice" '^[[:space:]]*\[.*\][[:space:]]*$' "a JSON array"
    check WEB_SERVICE_UPSTREAM "$service_up" '^[A-Za-z0-9._-]+:[0-9]{1,5}$' "host:port"
    check WEB_JANUS_UPSTREAM "$janus_up" '^[A-Za-z0-9._-]+:[0-9]{1,5}$' "host:port"
    if [ -z "$resolver" ]; then
        resolver=$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf 2>/dev/null || true)
        resolver=${resolver:-127.0.0.11}
    fi
    check WEB_RESOLVER "$resolver" '^[0-9A-Fa-f.:]+$' "an IP address"
    [[ $resolver == *:* ]] && resolver="[$resolver]"
    if [ -n "${WEB_DEMO_ADMIN_KEY_FILE:-}" ]; then
        [ -r "$WEB_DEMO_ADMIN_KEY_FILE" ] || die "cannot read WEB_DEMO_ADMIN_KEY_FILE=$WEB_DEMO_ADMIN_KEY_FILE"
        IFS= read -r key <"$WEB_DEMO_ADMIN_KEY_FILE" || true
        key=${key%%[[:space:]]*}
        [[ $key =~ ^[A-Za-z0-9._~+/=-]+$ ]] || die "the admin key must be printable ASCII"
        echo "web-entrypoint: WARNING: config.json carries the admin key (WEB_DEMO_ADMIN_KEY_FILE);" \
             "anyone who can load the page can schedule interviews. Local demos only." >&2
    fi
    [ -f "$TEMPLATE" ] || die "nginx template $TEMPLATE is missing"

    mkdir -p "$RUN_DIR"
    {
        printf '{\n  "serviceUrl": "%s",\n  "janusUrl": "%s",\n  "media": %s' \
            "$service_url" "$janus_url" "$media"
        [ -z "$ice" ] || printf ',\n  "iceServers": %s' "$ice"
        [ -z "$key" ] || printf ',\n  "demoAdminKey": "%s"' "$key"
        printf '\n}\n'
    } >"$RUN_DIR/config.json.tmp"
    chmod 644 "$RUN_DIR/config.json.tmp"
    mv "$RUN_DIR/config.json.tmp" "$RUN_DIR/config.json"
    sed -e "s|@RESOLVER@|$resolver|g" -e "s|@WEB_ROOT@|$WEB_ROOT|g" -e "s|@RUN_DIR@|$RUN_DIR|g" \
        -e "s|@SERVICE_UPSTREAM@|$service_up|g" -e "s|@JANUS_UPSTREAM@|$janus_up|g" \
        "$TEMPLATE" >"$RUN_DIR/nginx.conf"
    if grep -q '@[A-Z_]*@' "$RUN_DIR/nginx.conf"; then
        die "unreplaced placeholder in $RUN_DIR/nginx.conf: $(grep -o '@[A-Z_]*@' "$RUN_DIR/nginx.conf" | head -1)"
    fi
    echo "web-entrypoint: config.json: serviceUrl='${service_url}' janusUrl='${janus_url}'" \
         "(empty = same host); /v1/ -> $service_up, /janus-ws -> $janus_up" >&2
}

case "${1:-nginx}" in
    render)
        render
        ;;
    nginx)
        [ $# -gt 0 ] && shift
        render
        exec nginx -c "$RUN_DIR/nginx.conf" -g 'daemon off;' "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
