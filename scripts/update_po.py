#!/usr/bin/env python3
"""Merge a freshly exported .pot into an addon's nl.po and fr.po.

Usage: update_po.py ADDON_DIR NEW_POT [TRANSLATIONS.json]

Every msgid of NEW_POT is kept with the translation the .po file already
has; the JSON file ({"nl": {msgid: msgstr}, "fr": {...}}) adds or replaces
translations. Entries no longer in the .pot are dropped. The .pot itself is
replaced by NEW_POT. Needs polib.
"""

import json
import os
import shutil
import sys

import polib


def main(addon_dir, new_pot, translations_file=None):
    name = os.path.basename(os.path.normpath(addon_dir))
    i18n = os.path.join(addon_dir, "i18n")
    extra = {}
    if translations_file:
        with open(translations_file, encoding="utf-8") as handle:
            extra = json.load(handle)
    template = polib.pofile(new_pot)
    missing = 0
    for lang in ("nl", "fr"):
        path = os.path.join(i18n, f"{lang}.po")
        old = polib.pofile(path)
        known = {entry.msgid: entry.msgstr for entry in old if entry.msgstr and "fuzzy" not in entry.flags}
        known.update(extra.get(lang, {}))
        po = polib.POFile(wrapwidth=78)
        po.metadata = old.metadata
        for entry in template:
            new = polib.POEntry(
                msgid=entry.msgid,
                msgstr=known.get(entry.msgid, ""),
                occurrences=entry.occurrences,
                comment=entry.comment,
                tcomment=entry.tcomment,
                flags=[flag for flag in entry.flags if flag != "fuzzy"],
            )
            if not new.msgstr:
                missing += 1
                print(f"{lang}: no translation for {entry.msgid!r}", file=sys.stderr)
            po.append(new)
        # The layout oca-checks-po asks for: sorted by msgid.
        po.sort(key=lambda entry: entry.msgid)
        po.save(path)
    shutil.copy(new_pot, os.path.join(i18n, f"{name}.pot"))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
