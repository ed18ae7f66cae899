#!/usr/bin/env bash
# Export the addon's translation template from a real Odoo 18 and bring id.po in line with it
# (`make pot`): entries keep their translations, entries of strings that are gone are dropped,
# and every entry without an Indonesian translation is listed (exit 1), to be translated by hand.
#
# The lab comes from ODOO_SRC / ODOO_PYTHON or `make odoo-lab-config`, as for `make odoo-test`;
# ODOO_PYTHON needs polib. Nothing here downloads Odoo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODULE=sicantik_whatsapp
I18N="$ROOT/odoo_addon/$MODULE/i18n"
. "$ROOT/scripts/odoo/lab.sh"
odoo_lab_load || {
    echo "pot: no Odoo lab (make odoo-lab-config ODOO_SRC=… ODOO_PYTHON=…)" >&2
    exit 2
}
odoo_lab_require "$ROOT/odoo_addon" "$MODULE"
odoo_lab_postgres

DB="sw_pot_$(date +%Y%m%d_%H%M%S)_$$"
WORK="$(mktemp -d)"
trap 'odoo_lab_drop "$DB" "$WORK"' EXIT
ADDONS="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ROOT/odoo_addon"
odoo_lab_install "$DB" "$ADDONS" "$MODULE" "$WORK/install.log"
"$ODOO_PYTHON" "$ODOO_SRC/odoo-bin" -d "$DB" --addons-path="$ADDONS" --modules="$MODULE" \
    --i18n-export="$WORK/$MODULE.pot" --stop-after-init --log-level=warn >"$WORK/export.log" 2>&1 || {
    tail -20 "$WORK/export.log" >&2
    exit 1
}

"$ODOO_PYTHON" - "$WORK/$MODULE.pot" "$I18N" "$MODULE" <<'PY'
import sys

import polib

pot_path, i18n, module = sys.argv[1:]
pot = polib.pofile(pot_path, wrapwidth=78)
# The template as exported (no translation in it), before its entries are filled for id.po.
pot.save(f"{i18n}/{module}.pot")
old = polib.pofile(f"{i18n}/id.po", wrapwidth=78)
known = {(e.msgctxt, e.msgid): e.msgstr for e in old if not e.obsolete and e.msgstr}
po = polib.POFile(wrapwidth=78)
po.header, po.metadata = old.header, old.metadata
missing = []
for entry in pot:
    entry.msgstr = known.get((entry.msgctxt, entry.msgid), "")
    if not entry.msgstr:
        missing.append(entry.msgid)
    po.append(entry)
dropped = len({k for k in known} - {(e.msgctxt, e.msgid) for e in pot})
po.save(f"{i18n}/id.po")
print(f"pot: {len(pot)} entries; {dropped} gone from id.po; {len(missing)} to translate")
for msgid in missing:
    print("  untranslated:", msgid.splitlines()[0][:100])
sys.exit(1 if missing else 0)
PY
