#!/usr/bin/env python3
"""Check that the translations of an Odoo addon cover its .pot template.

Usage: check_translations.py ADDON_DIR [--lang nl --lang fr]

Reads ADDON_DIR/i18n/<addon>.pot and, for each language (nl and fr by
default), ADDON_DIR/i18n/<lang>.po. Lists every msgid of the .pot that is
missing from a .po file, has an empty msgstr, or is marked fuzzy, and exits
with status 1 when there is any. Exits 2 when the .pot cannot be read.

Needs polib (pip install polib); nothing else outside the standard library.
"""

import argparse
import os
import sys

import polib

DEFAULT_LANGS = ("nl", "fr")


def _short(msgid, width=70):
    text = msgid.replace("\n", "\\n")
    return text if len(text) <= width else text[: width - 3] + "..."


def find_pot(addon_dir):
    i18n = os.path.join(addon_dir, "i18n")
    name = os.path.basename(os.path.normpath(addon_dir))
    pot = os.path.join(i18n, f"{name}.pot")
    if os.path.isfile(pot):
        return pot
    # Fall back to the only .pot of the folder, if there is exactly one.
    try:
        pots = sorted(f for f in os.listdir(i18n) if f.endswith(".pot"))
    except OSError:
        pots = []
    if len(pots) == 1:
        return os.path.join(i18n, pots[0])
    return None


def check_lang(pot_entries, po_path):
    """Return a list of (problem, msgid) for one .po file."""
    if not os.path.isfile(po_path):
        return [("missing file", entry.msgid) for entry in pot_entries]
    po = polib.pofile(po_path)
    translations = {entry.msgid: entry for entry in po if not entry.obsolete}
    problems = []
    for entry in pot_entries:
        found = translations.get(entry.msgid)
        if found is None:
            problems.append(("missing", entry.msgid))
        elif not found.msgstr.strip():
            problems.append(("untranslated", entry.msgid))
        elif "fuzzy" in found.flags:
            problems.append(("fuzzy", entry.msgid))
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="List the .pot msgids that are missing or untranslated in the addon's .po files."
    )
    parser.add_argument("addon_dir", help="addon directory, e.g. payment_request")
    parser.add_argument(
        "--lang",
        action="append",
        dest="langs",
        metavar="LANG",
        help="language to check (repeatable); default: nl and fr",
    )
    args = parser.parse_args(argv)
    langs = args.langs or list(DEFAULT_LANGS)

    pot_path = find_pot(args.addon_dir)
    if not pot_path:
        print(f"No .pot file found in {os.path.join(args.addon_dir, 'i18n')}", file=sys.stderr)
        return 2
    try:
        pot = polib.pofile(pot_path)
    except (OSError, ValueError) as exc:
        print(f"Cannot read {pot_path}: {exc}", file=sys.stderr)
        return 2
    pot_entries = [entry for entry in pot if entry.msgid and not entry.obsolete]

    total = 0
    for lang in langs:
        po_path = os.path.join(os.path.dirname(pot_path), f"{lang}.po")
        problems = check_lang(pot_entries, po_path)
        total += len(problems)
        if problems:
            print(f"{po_path}: {len(problems)} of {len(pot_entries)} msgids not translated")
            for problem, msgid in problems:
                print(f"  [{problem}] {_short(msgid)}")
        else:
            print(f"{po_path}: all {len(pot_entries)} msgids translated")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
