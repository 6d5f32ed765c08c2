#!/usr/bin/env bash
# Install the Debian packages that Odoo's requirements build against, and
# chromium for the tours, wkhtmltopdf for the PDFs, and poppler-utils, zbar-tools
# and the DejaVu fonts for the PDF tests, when they are missing.
set -e
wanted="libpq-dev libldap2-dev libsasl2-dev chromium wkhtmltopdf poppler-utils zbar-tools fonts-dejavu-core"
missing=""
for pkg in $wanted; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing Debian packages:$missing. Install them with apt-get and run again." >&2
  exit 1
fi
echo "Installing Debian packages:$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
