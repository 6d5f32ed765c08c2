#!/usr/bin/env bash
# Install the OCA addons the harness uses into a virtualenv: the reconciliation
# widget payment_request_account_reconcile_oca needs, and the CODA and CAMT.053
# statement importers; then print the directory to add to Odoo's addons_path.
#
#   scripts/install_oca_addons.sh VENV_DIR SERIES
#
# SERIES is 18.0 or 19.0: each series has its own pins. OCA publishes no 19.0
# wheel of account_statement_import_coda nor of account_reconcile_model_oca
# (checked on PyPI on 2026-11-30); account_reconcile_oca 19.0 does not need
# the latter, and the CODA import tests are skipped on 19.0 for the former.
#
# The wheels are installed with --no-deps: their metadata asks for an `odoo`
# distribution, but Odoo comes from the source tree ($ODOO_HOME, put on the
# path by odoo_home.pth) and is not on PyPI. The addon pins are the whole
# closure (base_sparse_field, their other dependency, is an Odoo core addon);
# pycoda is the CODA importer's one Python dependency.
# Set OCA_WHEELS_DIR to a folder holding the wheels to install offline.
# Running it again changes nothing.
set -euo pipefail

venv=${1:?usage: $0 VENV_DIR SERIES}
series=${2:?usage: $0 VENV_DIR SERIES}
py="$venv/bin/python"
if [ ! -x "$py" ]; then
  echo "$venv is not a virtualenv: $py is missing." >&2
  exit 1
fi

case "$series" in
18.0)
  pins=(
    odoo-addon-account-reconcile-oca==18.0.1.3.0.1
    odoo-addon-account-statement-base==18.0.1.3.1
    odoo-addon-account-reconcile-model-oca==18.0.1.2.0
    odoo-addon-account-statement-import-base==18.0.1.0.2.4
    odoo-addon-account-statement-import-file==18.0.1.0.3.2
    odoo-addon-account-statement-import-coda==18.0.1.0.0.2
    odoo-addon-account-statement-import-camt==18.0.1.0.1.1
    pycoda==1.1.0
  )
  addons=(account_reconcile_oca account_statement_base account_reconcile_model_oca
    account_statement_import_base account_statement_import_file account_statement_import_coda
    account_statement_import_camt)
  ;;
19.0)
  pins=(
    odoo-addon-account-reconcile-oca==19.0.1.1.1
    odoo-addon-account-statement-base==19.0.1.0.1
    odoo-addon-account-statement-import-base==19.0.1.0.0.8
    odoo-addon-account-statement-import-file==19.0.1.0.0.5
    odoo-addon-account-statement-import-camt==19.0.1.0.0.8
    # No CODA importer on 19.0, but its parser reads back the CODA files that
    # payment_request writes (tests/test_coda.py).
    pycoda==1.1.0
  )
  addons=(account_reconcile_oca account_statement_base account_statement_import_base
    account_statement_import_file account_statement_import_camt)
  ;;
*)
  echo "No OCA pins for Odoo series '$series' (18.0 or 19.0)." >&2
  exit 1
  ;;
esac

pip_args=(--quiet --disable-pip-version-check --no-deps)
if [ -n "${OCA_WHEELS_DIR:-}" ]; then
  pip_args+=(--no-index --find-links "$OCA_WHEELS_DIR")
fi

# `pip install` of a pin that is already satisfied is a no-op.
"$py" -m pip install "${pip_args[@]}" "${pins[@]}" >&2

addons_dir="$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/odoo/addons"
for addon in "${addons[@]}"; do
  if [ ! -f "$addons_dir/$addon/__manifest__.py" ]; then
    echo "$addon is missing from $addons_dir after the install." >&2
    exit 1
  fi
done
echo "$addons_dir"
