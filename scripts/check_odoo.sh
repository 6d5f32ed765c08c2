#!/usr/bin/env bash
# Make sure ODOO_HOME is an Odoo source tree of ODOO_SERIES. When ODOO_HOME is
# missing (or an empty folder), fetch it: a shallow git clone of ODOO_REPO
# (default: Odoo's public repository) at ODOO_REF (default: the series branch;
# a tag or a commit works too). Stop with one clear line when that fails or
# when the tree is not of the series asked.
series=${ODOO_SERIES:-18.0}
odoo_home=${ODOO_HOME:-/opt/odoo/$series}
repo=${ODOO_REPO:-https://github.com/odoo/odoo.git}
ref=${ODOO_REF:-$series}
release="$odoo_home/odoo/release.py"
hint="set ODOO_HOME to an Odoo $series checkout, or ODOO_REPO/ODOO_REF to where to fetch one, or ODOO_SERIES to its series (CONTRIBUTING.md: \"The Odoo trees\")"

fetch_odoo() {
  echo "Fetching Odoo $series: shallow clone of $repo at $ref into $odoo_home..." >&2
  local log
  log=$(mktemp)
  # init + fetch of one ref (not `clone --branch`), so that ODOO_REF may also
  # be a commit; --depth 1 keeps it to the one tree.
  if mkdir -p "$odoo_home" \
    && git -C "$odoo_home" init --quiet \
    && git -C "$odoo_home" fetch --quiet --depth 1 "$repo" "$ref" >"$log" 2>&1 \
    && git -C "$odoo_home" -c advice.detachedHead=false checkout --quiet FETCH_HEAD >>"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  local reason
  reason=$(grep -v '^\s*$' "$log" | tail -1)
  rm -f "$log"
  rm -rf "$odoo_home"
  echo "Could not fetch Odoo $series from $repo at $ref into $odoo_home (${reason:-git failed}): $hint." >&2
  return 1
}

if [ ! -f "$release" ]; then
  if [ -e "$odoo_home" ] && [ -n "$(ls -A "$odoo_home" 2>/dev/null)" ]; then
    echo "ODOO_HOME=$odoo_home holds no Odoo source tree: $hint." >&2
    exit 1
  fi
  fetch_odoo || exit 1
  if [ ! -f "$release" ]; then
    echo "ODOO_HOME=$odoo_home, fetched from $repo at $ref, holds no Odoo source tree (no odoo/release.py): $hint." >&2
    exit 1
  fi
fi
major=${series%%.*}
if ! grep -Eq "^version_info = \($major, 0," "$release"; then
  echo "ODOO_HOME=$odoo_home is not Odoo $series: $hint." >&2
  exit 1
fi
