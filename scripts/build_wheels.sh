#!/usr/bin/env bash
# Build one wheel per addon for one Odoo series, with the series-prefixed
# version that whool and pip expect (odoo-addon-payment_request 19.0.1.0.0).
#
#   scripts/build_wheels.sh PYTHON SERIES OUT_DIR ADDON...
#
# The manifests hold a three-part version (1.0.0) so that one tree installs on
# 18.0 and 19.0 (Odoo prefixes it with the running series); whool derives the
# series from the version, so each addon is copied aside and its version
# prefixed there. The source tree is left untouched.
set -euo pipefail
py=${1:?usage: $0 PYTHON SERIES OUT_DIR ADDON...}
series=${2:?usage: $0 PYTHON SERIES OUT_DIR ADDON...}
out=${3:?usage: $0 PYTHON SERIES OUT_DIR ADDON...}
shift 3
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for addon in "$@"; do
  cp -r "$addon" "$work/"
  find "$work/$addon" -name __pycache__ -prune -exec rm -rf {} +
  sed -E -i "s/(\"version\": \")([0-9]+\.[0-9]+\.[0-9]+\")/\1$series.\2/" "$work/$addon/__manifest__.py"
  grep -q "\"version\": \"$series\." "$work/$addon/__manifest__.py" || {
    echo "$addon: no three-part version in its manifest to prefix with $series." >&2
    exit 1
  }
  "$py" -m pip wheel --quiet --disable-pip-version-check --no-deps -w "$out" "$work/$addon"
done
ls "$out"
