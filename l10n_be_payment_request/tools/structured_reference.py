"""The Belgian structured communication (OGM/VCS) of a payment request.

Plain functions, no ORM. The base addon recognises an OGM in a bank text
(payment_request.tools.structured_reference); building one is Belgian.
"""

# Payment requests number their OGM from this base so that they never share
# a reference with the OGMs l10n_be derives from invoice or partner ids.
OGM_BASE_OFFSET = 9_000_000_000


def ogm_check_digits(base):
    """Return the two OGM check digits of a 10-digit base: base mod 97, or 97."""
    if not 0 <= base < 10**10:
        raise ValueError("An OGM base has at most 10 digits.")
    return base % 97 or 97


def format_ogm(base):
    """Return the structured communication of ``base`` as +++DDD/DDDD/DDDCC+++."""
    digits = f"{base:010d}{ogm_check_digits(base):02d}"
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"
