#!/usr/bin/env bash
# Fail when the Odoo install log holds any ERROR or WARNING line.
log=$1
bad=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log")
if [ -n "$bad" ]; then
  echo "The install log $log has warnings or errors:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "Install log clean: no WARNING or ERROR in $log."
