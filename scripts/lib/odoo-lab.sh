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
