"""Belgian structured communication (OGM/VCS) and ISO 11649 (RF) references.

Plain functions, no ORM: they build, check, normalise and find the
references that customers copy into their bank transfers.
"""

import re

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


def ogm_check_digits(base):
    """Return the two OGM check digits of a 10-digit base: base mod 97, or 97."""
    if not 0 <= base < 10**10:
        raise ValueError("An OGM base has at most 10 digits.")
    return base % 97 or 97


def format_ogm(base):
    """Return the structured communication of ``base`` as +++DDD/DDDD/DDDCC+++."""
    digits = f"{base:010d}{ogm_check_digits(base):02d}"
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


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
    return check == ogm_check_digits(base)


def _rf_check_digits(payload):
    numeric = "".join(str(int(char, 36)) for char in payload + "RF00")
    return 98 - int(numeric) % 97


def format_rf(payload):
    """Return the ISO 11649 creditor reference of ``payload``, e.g. RF18 5390 0754 7034."""
    payload = re.sub(r"\s", "", str(payload)).upper()
    if not payload or not re.fullmatch(r"[0-9A-Z]{1,21}", payload):
        raise ValueError("An RF payload has 1 to 21 letters or digits.")
    compact = f"RF{_rf_check_digits(payload):02d}{payload}"
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def is_valid_rf(reference):
    """Tell whether ``reference`` is a valid ISO 11649 creditor reference."""
    compact = re.sub(r"\s", "", reference or "").upper()
    if not re.fullmatch(r"RF\d{2}[0-9A-Z]{1,21}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


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
