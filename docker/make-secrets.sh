#!/bin/sh
# Creates the secrets docker-compose.yml mounts, as random keys readable only by you:
#   secrets/admin_key            the interview service's admin API key (scheduling)
#   secrets/service_key          the key the Janus plugin presents to the service
#   secrets/janus_admin_secret   Janus's admin API secret
#   secrets/redis_password       Redis's password (requirepass), given to the plugin too
#   secrets/turn_secret          coturn's static-auth-secret, with which the service signs the
#                                participants' TURN credentials
# Existing files are kept (delete one to rotate it, then `docker-compose up -d` again).
#
#   docker/make-secrets.sh [FOLDER]      (default: ./secrets next to docker-compose.yml)
set -eu
dir=${1:-$(dirname "$0")/../secrets}
umask 077
mkdir -p "$dir"
for name in admin_key service_key janus_admin_secret redis_password turn_secret; do
    if [ -s "$dir/$name" ]; then
        echo "kept    $dir/$name"
    else
        # 32 random bytes, base64url without padding: 43 characters.
        head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$dir/$name"
        echo "created $dir/$name"
    fi
done
