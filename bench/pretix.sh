#!/usr/bin/env bash
# A real pretix server for bench/events.py to compare Setlist with. pretix is installed from PyPI
# into its own venv (bench/.pretix-venv, git-ignored), never into Setlist's: it is no dependency
# of the project. Data, configuration and logs go to bench/.pretix/ (git-ignored), on SQLite.
#
#   bench/pretix.sh install   create the venv and install pretix + gunicorn (once)
#   bench/pretix.sh setup     write the config, migrate, make an organizer, an all-permissions
#                             team and its API token; prints "<organizer> <token>"
#   bench/pretix.sh serve     gunicorn in the foreground on 127.0.0.1:$PRETIX_PORT, DEBUG off
#   bench/pretix.sh           all three (`make bench-pretix`); the credentials are printed first
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
VENV=${PRETIX_VENV:-$HERE/.pretix-venv}
DATA=${PRETIX_DATA:-$HERE/.pretix}
PORT=${PRETIX_PORT:-8010}
PYTHON=${PYTHON:-python3.11}
PRETIX_VERSION=2026.8.0
GUNICORN_VERSION=27.0.1
export PRETIX_CONFIG_FILE=$DATA/pretix.cfg

install() {
    if [ ! -x "$VENV/bin/gunicorn" ] || ! "$VENV/bin/python" -c 'import pretix' 2>/dev/null; then
        "$PYTHON" -m venv "$VENV"
        "$VENV/bin/pip" install --quiet --upgrade pip
        "$VENV/bin/pip" install --quiet "pretix==$PRETIX_VERSION" "gunicorn==$GUNICORN_VERSION"
    fi
}

configure() {
    mkdir -p "$DATA/data"
    cat > "$PRETIX_CONFIG_FILE" <<EOF
[pretix]
instance_name=pretix-bench
url=http://127.0.0.1:$PORT
datadir=$DATA/data
ecb_rates=off

[django]
debug=off

[database]
backend=sqlite3

[mail]
from=bench@localhost
EOF
}

setup() {
    configure
    "$VENV/bin/python" -m pretix migrate --noinput > "$DATA/migrate.log" 2>&1 \
        || { cat "$DATA/migrate.log" >&2; exit 1; }
    "$VENV/bin/python" "$HERE/pretix_setup.py"
}

serve() {
    configure
    # pretix's documented production command (workers 2), bound to the loopback only
    exec "$VENV/bin/gunicorn" pretix.wsgi --name pretix --workers 2 --max-requests 1200 \
        --max-requests-jitter 50 --log-level warning --bind "127.0.0.1:$PORT"
}

case "${1:-all}" in
    install) install ;;
    setup) setup ;;
    serve) serve ;;
    all) install; setup; serve ;;
    *) echo "usage: $0 [install|setup|serve]" >&2; exit 2 ;;
esac
