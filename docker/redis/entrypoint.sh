#!/bin/bash
# Entrypoint of the Redis image: writes the password from the redis_password secret into a
# config file only the redis user can read (so it is in neither the image, a command line nor
# the environment), then runs redis-server as the redis user with the append-only file on the
# data volume.
#
#   interview-redis-entrypoint redis-server [ARGS...]   the image's default; ARGS are appended
#   interview-redis-entrypoint COMMAND...               run COMMAND as is (debugging)
#
# Environment:
#   REDIS_PASSWORD_FILE  the password (default /run/secrets/redis_password); required: a Redis
#                        without a password is not started by this image
#   REDIS_DATA_DIR       where the AOF lives (default /data)
set -euo pipefail

die() {
    echo "redis-entrypoint: $*" >&2
    exit 1
}

if [ "${1:-redis-server}" != redis-server ]; then
    exec "$@"
fi
[ $# -gt 0 ] && shift

file=${REDIS_PASSWORD_FILE:-/run/secrets/redis_password}
data=${REDIS_DATA_DIR:-/data}
[ -r "$file" ] || die "cannot read $file (create it: docs/DEPLOYMENT.md, 'Secrets')"
IFS= read -r password <"$file" || true
password=${password%%[[:space:]]*}
[ ${#password} -ge 16 ] || die "the password in $file is shorter than 16 characters"
case $password in
    *[!A-Za-z0-9._~+/=-]*) die "the password in $file must be printable ASCII without quotes or spaces" ;;
esac

conf_dir=/run/interview-redis
install -d -o redis -g redis -m 700 "$conf_dir"
umask 077
printf 'requirepass %s\n' "$password" >"$conf_dir/auth.conf"
chown redis:redis "$conf_dir/auth.conf"
unset password
# A volume created by an older image, or restored by hand, may belong to root.
chown redis:redis "$data"

# Append-only file on, fsync once a second: an edit the plugin has acknowledged survives a
# restart of this container (at most the last second is lost if the host itself loses power).
exec setpriv --reuid=redis --regid=redis --init-groups \
    redis-server "$conf_dir/auth.conf" --appendonly yes --appendfsync everysec --dir "$data" \
    --daemonize no --logfile "" "$@"
