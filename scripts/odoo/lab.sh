# Sourced by the scripts that run the addon in a real Odoo 18: finds the lab.
# ODOO_SRC / ODOO_PYTHON from the environment win; otherwise they are read from the per-user file
# written by `make odoo-lab-config` (the Odoo tree itself is never part of this project).
ODOO_LAB_CONFIG="${XDG_CONFIG_HOME:-${HOME:-/root}/.config}/sicantik-whatsapp/odoo.env"

odoo_lab_load() {
    ODOO_LAB_FROM=environment
    if [ -z "${ODOO_SRC:-}" ] && [ -f "$ODOO_LAB_CONFIG" ]; then
        # shellcheck disable=SC1090
        . "$ODOO_LAB_CONFIG"
        ODOO_LAB_FROM="$ODOO_LAB_CONFIG"
    fi
    [ -n "${ODOO_SRC:-}" ]
}

# What every lab script checks after odoo_lab_load: Odoo's tree, its Python (default python3) and
# the engine built into the addon. $1 = addons folder, $2 = module.
odoo_lab_require() {
    if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
        echo "ERROR: $ODOO_SRC/odoo-bin not found: ODOO_SRC must be an Odoo 18.0 source tree" >&2
        exit 2
    fi
    if [ -z "${ODOO_PYTHON:-}" ]; then
        ODOO_PYTHON="$(command -v python3 || true)"
        echo "WARNING: ODOO_PYTHON not set; using $ODOO_PYTHON. Set ODOO_PYTHON to the Python that has Odoo's requirements installed (e.g. a virtualenv's bin/python)." >&2
    fi
    local wasm="$1/$2/engine/sicantik_whatsapp_engine.wasm"
    if [ ! -f "$wasm" ]; then
        echo "ERROR: $wasm is missing: build the engine into the addon first (make addon)" >&2
        exit 2
    fi
}

# PostgreSQL: start Debian's cluster if nothing answers on the socket, and make sure this user
# has a role. Messages go to stderr (the bench's stdout carries its JSON lines).
odoo_lab_postgres() {
    if ! pg_isready -q 2>/dev/null; then
        if command -v pg_lsclusters >/dev/null 2>&1; then
            local version cluster
            read -r version cluster _ < <(pg_lsclusters --no-header | head -n1)
            echo "Starting PostgreSQL $version/$cluster" >&2
            pg_ctlcluster "$version" "$cluster" start
        elif command -v service >/dev/null 2>&1; then
            service postgresql start >&2
        fi
        for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
    fi
    if ! pg_isready -q; then
        echo "ERROR: PostgreSQL is not reachable" >&2
        exit 2
    fi
    if ! psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
            su postgres -c "createuser -s $(id -un)"
        else
            echo "ERROR: cannot connect to PostgreSQL as $(id -un); create a role: createuser -s $(id -un)" >&2
            exit 2
        fi
    fi
}

# A fresh database with the modules installed, no demo data, no server left running.
# $1 = database, $2 = addons path, $3 = modules (comma list), $4 = log file.
odoo_lab_install() {
    "$ODOO_PYTHON" "$ODOO_SRC/odoo-bin" -d "$1" --addons-path="$2" -i "$3" \
        --without-demo=all --stop-after-init --workers=0 --max-cron-threads=0 --http-port=0 \
        --log-level=warn >"$4" 2>&1 || {
        tail -20 "$4" >&2
        echo "ERROR: installing the addon failed" >&2
        exit 1
    }
}

# For the scripts' EXIT traps: drop database $1 and its filestore and remove the paths after it,
# unless KEEP_DB=1 (then say what is kept).
odoo_lab_drop() {
    local db="$1"
    shift
    if [ "${KEEP_DB:-0}" != 1 ]; then
        dropdb --if-exists "$db" >/dev/null 2>&1 || true
        rm -rf "${HOME:-/root}/.local/share/Odoo/filestore/$db" "$@" 2>/dev/null || true
    else
        echo "Database kept: $db${*:+; also kept: $*}" >&2
    fi
}

# The provider simulator on a free loopback port, in the background: sets SIM_PID and SIM_URL.
# $1 = its log file. The caller stops it (kill "$SIM_PID").
odoo_lab_simulator() {
    node "$(dirname "${BASH_SOURCE[0]}")/../../simulator/index.mjs" --port 0 --quiet >"$1" 2>&1 &
    SIM_PID=$!
    SIM_URL=""
    for _ in $(seq 100); do
        SIM_URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$1" | head -1 || true)
        [ -n "$SIM_URL" ] && break
        sleep 0.1
    done
    [ -n "$SIM_URL" ] || {
        cat "$1" >&2
        echo "ERROR: the simulator did not start" >&2
        exit 1
    }
}
