"""ISO 11649 (RF) references, and the recognition of the references that
customers copy into their bank transfers.

Plain functions, no ORM. The base addon builds RF references with
account's tools; it also recognises a Belgian structured communication
(OGM/VCS) in a bank text, so that bank lines are matched in one place
whatever the company's country (l10n_be_payment_request builds the OGM of
a Belgian company's requests).
"""

import re

from odoo.addons.account.tools.structured_reference import (
    format_structured_reference_iso,
    is_valid_structured_reference_iso,
)

_OGM_DIGITS = re.compile(r"^\d{12}$")
# A reference as people type it: +++123/4567/89012+++, ***...***, with
# spaces, slashes or dots between the groups, or 12 bare digits.
_OGM_IN_TEXT = re.compile(
    r"(?<![\d])" r"(?:[+*]{3}\s*)?" r"(\d{3})[\s/.]*(\d{4})[\s/.]*(\d{5})" r"(?:\s*[+*]{3})?" r"(?![\d])"
)
# An RF reference is written compact (RF18539007547034) or in groups of four
# (RF18 5390 0754 7034); the last group may be shorter. A longer word after
# it is not part of it.
_RF_IN_TEXT = re.compile(
    r"\bRF\d{2}[0-9A-Z]{1,21}\b|\bRF\d{2}(?: [0-9A-Z]{4})*(?: [0-9A-Z]{1,4})\b",
    re.IGNORECASE,
)


def _ogm_digits(reference):
    """Return the 12 digits of an OGM written in any usual form, or None."""
    if not reference:
        return None
    text = reference.strip()
    match = re.fullmatch(r"([+*]{3})?\s*(\d{3})[\s/.]*(\d{4})[\s/.]*(\d{5})\s*([+*]{3})?", text)
    if not match:
        return None
    opening, closing = match.group(1), match.group(5)
    if bool(opening) != bool(closing) or (opening and opening != closing):
        return None
    return "".join(match.group(2, 3, 4))


def is_valid_ogm(reference):
    """Tell whether ``reference`` is a Belgian structured communication with
    correct check digits (01..97; 00 and values above 97 never are)."""
    digits = _ogm_digits(reference)
    if not digits or not _OGM_DIGITS.match(digits):
        return False
    base, check = int(digits[:10]), int(digits[10:])
    return check == (base % 97 or 97)


def format_rf(payload):
    """Return the ISO 11649 creditor reference of ``payload``, e.g. RF18 5390 0754 7034."""
    payload = re.sub(r"\s", "", str(payload)).upper()
    if not payload or not re.fullmatch(r"[0-9A-Z]{1,21}", payload):
        raise ValueError("An RF payload has 1 to 21 letters or digits.")
    return format_structured_reference_iso(payload)


def is_valid_rf(reference):
    """Tell whether ``reference`` is a valid ISO 11649 creditor reference."""
    compact = re.sub(r"\s", "", reference or "").upper()
    return bool(re.fullmatch(r"RF\d{2}[0-9A-Z]{1,21}", compact)) and is_valid_structured_reference_iso(
        compact
    )


def normalize_reference(reference):
    """Return the compact, comparable form of a valid reference: 12 digits
    for an OGM, ``RF..`` without spaces for a creditor reference; else None."""
    if is_valid_ogm(reference):
        return _ogm_digits(reference)
    if is_valid_rf(reference):
        return re.sub(r"\s", "", reference).upper()
    return None


def find_structured_references(text):
    """Return the valid references found in free text, normalised, in order
    of appearance and without duplicates. Where a grouped RF reference may
    or may not include the word after it, both readings that check out are
    returned."""
    if not text:
        return []
    found = []
    for match in _OGM_IN_TEXT.finditer(text):
        digits = "".join(match.group(1, 2, 3))
        if is_valid_ogm(digits) and digits not in found:
            found.append(digits)
    for match in _RF_IN_TEXT.finditer(text):
        groups = match.group(0).upper().split()
        # A short word right after a grouped reference looks like one more
        # group: every prefix whose check digits agree is a candidate (the
        # caller looks them up), longest first.
        for count in range(len(groups), 0, -1):
            compact = "".join(groups[:count])
            if is_valid_rf(compact) and compact not in found:
                found.append(compact)
    return found
