"""Pure helpers for Mollie's JSON: amounts and payment outcomes."""

from decimal import ROUND_HALF_UP, Decimal

# Mollie's payment statuses (https://docs.mollie.com/payments/status-changes).
FINAL_FAILED_STATUSES = ("canceled", "expired", "failed")
PENDING_STATUSES = ("open", "pending", "authorized")


def format_mollie_amount(amount, decimal_places=2):
    """Return ``amount`` as the string Mollie wants: exactly ``decimal_places`` decimals."""
    quantum = Decimal(1).scaleb(-decimal_places)
    return str(Decimal(str(amount)).quantize(quantum, rounding=ROUND_HALF_UP))


def parse_mollie_amount(amount):
    """Return the float value of a Mollie amount object, 0.0 when absent."""
    if not amount or amount.get("value") in (None, ""):
        return 0.0
    return float(Decimal(amount["value"]))


def payment_outcome(status, paid_at=None):
    """Map a Mollie payment status to what the request does with it:
    ``paid`` (register the money), ``failed`` (note it) or ``pending``."""
    if status == "paid" or (paid_at and status not in FINAL_FAILED_STATUSES):
        return "paid"
    if status in FINAL_FAILED_STATUSES:
        return "failed"
    return "pending"
