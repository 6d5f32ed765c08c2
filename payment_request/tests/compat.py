"""What differs between Odoo 18.0 and 19.0 for the tests and benchmarks only.

The addon's own series differences are in ``payment_request/compat.py``; the
names here serve only the tests (and ``benchmarks/``), so they do not ship as
addon code. Each name says what it is for, not which series it is.
"""

from odoo import release

try:  # the ORM's transaction: odoo.api on 18.0, odoo.orm.environments on 19.0
    from odoo.api import Transaction
except ImportError:
    from odoo.orm.environments import Transaction

__all__ = [
    "MAIL_SERVER_CONNECT",
    "RESET_TO_DRAFT_UNRECONCILES",
    "SALE_LINE_TAXES",
    "Transaction",
    "reconcile_exchange_moves",
]

_IS_19 = release.version_info[:2] >= (19, 0)

#: sale.order.line's taxes (tax_id on 18.0, tax_ids on 19.0).
SALE_LINE_TAXES = "tax_ids" if _IS_19 else "tax_id"
#: Whether account.move.button_draft() unreconciles the entry's items: it does
#: on 18.0; 19.0 keeps them matched to the draft until it is cancelled or
#: deleted (CONTRIBUTING.md: "An invoice reset to draft").
RESET_TO_DRAFT_UNRECONCILES = not _IS_19
#: The ir.mail_server method mail.mail.send() opens its SMTP session with
#: (connect on 18.0, _connect__ on 19.0).
MAIL_SERVER_CONNECT = "_connect__" if _IS_19 else "connect"


def reconcile_exchange_moves(lines):
    """The exchange difference entries of the reconciliations of ``lines``."""
    partials = lines.matched_debit_ids | lines.matched_credit_ids
    moves = partials.exchange_move_id
    if not _IS_19:
        # 18.0 also books the exchange difference of a full reconciliation.
        moves |= lines.full_reconcile_id.exchange_move_id
    return moves
