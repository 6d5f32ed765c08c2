#!/usr/bin/env bash
# Start the local PostgreSQL cluster when it does not accept connections.
set -e
if pg_isready -q 2>/dev/null; then
  exit 0
fi
echo "PostgreSQL is not accepting connections: starting it."
if command -v pg_ctlcluster >/dev/null 2>&1; then
  version=$(ls /etc/postgresql | sort -n | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
else
  service postgresql start
fi
for _ in $(seq 1 30); do
  pg_isready -q && exit 0
  sleep 1
done
echo "PostgreSQL did not start: check its log under /var/log/postgresql." >&2
exit 1
