#!/usr/bin/env bash
# Stop with one clear line when ODOO_HOME is not an Odoo source tree of ODOO_SERIES.
series=${ODOO_SERIES:-18.0}
odoo_home=${ODOO_HOME:-/opt/odoo/$series}
release="$odoo_home/odoo/release.py"
hint="set ODOO_HOME to an Odoo $series checkout (README: \"The Odoo trees\"), or ODOO_SERIES to its series"
if [ ! -f "$release" ]; then
  echo "ODOO_HOME=$odoo_home holds no Odoo source tree: $hint." >&2
  exit 1
fi
major=${series%%.*}
if ! grep -Eq "^version_info = \($major, 0," "$release"; then
  echo "ODOO_HOME=$odoo_home is not Odoo $series: $hint." >&2
  exit 1
fi
