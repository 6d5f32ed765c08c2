#!/usr/bin/env bash
# Stop with one clear line when ODOO_HOME is not an Odoo 18.0 source tree.
odoo_home=${ODOO_HOME:-/opt/odoo/18.0}
release="$odoo_home/odoo/release.py"
if [ ! -f "$release" ]; then
  echo "ODOO_HOME=$odoo_home holds no Odoo source tree: set ODOO_HOME to an Odoo 18.0 checkout (make ODOO_HOME=/path/to/odoo ...)." >&2
  exit 1
fi
if ! grep -Eq "^version_info = \(18, 0," "$release"; then
  echo "ODOO_HOME=$odoo_home is not Odoo 18.0: set ODOO_HOME to an Odoo 18.0 checkout (make ODOO_HOME=/path/to/odoo ...)." >&2
  exit 1
fi
