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
_RF_IN_TEXT = re.compile(r"\bRF\s?(\d{2})((?:\s?[0-9A-Z]){1,21})\b", re.IGNORECASE)


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
    of appearance and without duplicates."""
    if not text:
        return []
    found = []
    for match in _OGM_IN_TEXT.finditer(text):
        digits = "".join(match.group(1, 2, 3))
        if is_valid_ogm(digits) and digits not in found:
            found.append(digits)
    for match in _RF_IN_TEXT.finditer(text):
        payload = re.sub(r"\s", "", match.group(2)).upper()
        # The pattern may have swallowed a word that follows the reference:
        # take the longest prefix that checks out.
        for length in range(len(payload), 0, -1):
            compact = f"RF{match.group(1)}{payload[:length]}"
            if is_valid_rf(compact):
                if compact not in found:
                    found.append(compact)
                break
    return found
