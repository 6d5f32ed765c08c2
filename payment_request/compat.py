"""What differs between Odoo 18.0 and 19.0, in one place.

The addons serve both series from one code base. Every difference they meet is
named here, once, so that the rest of the code reads as plain Odoo and a later
series means editing this file only. Each name says what it is for, not which
series it is.
"""

from odoo import models, release

try:  # the ORM's transaction: odoo.api on 18.0, odoo.orm.environments on 19.0
    from odoo.api import Transaction
except ImportError:
    from odoo.orm.environments import Transaction

__all__ = [
    "GROUPS",
    "IS_19",
    "JSONRPC",
    "MAIL_SERVER_CONNECT",
    "RESET_TO_DRAFT_UNRECONCILES",
    "SALE_LINE_TAXES",
    "SERIES",
    "Transaction",
    "reconcile_exchange_moves",
    "sql_constraints",
]

#: The running series, "18.0" or "19.0".
SERIES = release.series
#: Odoo 19.0 and later.
IS_19 = release.version_info[:2] >= (19, 0)

#: sale.order.line's taxes (tax_id on 18.0, tax_ids on 19.0).
SALE_LINE_TAXES = "tax_ids" if IS_19 else "tax_id"
#: The groups of res.users, ir.actions.act_window and ir.actions.server
#: (groups_id on 18.0, group_ids on 19.0).
GROUPS = "group_ids" if IS_19 else "groups_id"
#: Whether account.move.button_draft() unreconciles the entry's items: it does
#: on 18.0; 19.0 keeps them matched to the draft until it is cancelled or
#: deleted (README: "An invoice reset to draft").
RESET_TO_DRAFT_UNRECONCILES = not IS_19
#: The route type of a JSON-RPC controller ("json" is a deprecated alias on 19.0).
JSONRPC = "jsonrpc" if IS_19 else "json"
#: The ir.mail_server method mail.mail.send() opens its SMTP session with
#: (connect on 18.0, _connect__ on 19.0).
MAIL_SERVER_CONNECT = "_connect__" if IS_19 else "connect"


def sql_constraints(*constraints):
    """Class decorator declaring ``(name, definition, message)`` SQL constraints.

    18.0 reads them from ``_sql_constraints``; 19.0 ignores that attribute (it
    only warns) and reads ``models.Constraint`` attributes named ``_<name>``.
    The database constraint is named ``<table>_<name>`` on both, so a database
    moved from 18.0 to 19.0 keeps it.
    """

    def decorate(cls):
        if IS_19:
            for name, definition, message in constraints:
                constraint = models.Constraint(definition, message)
                setattr(cls, f"_{name}", constraint)
                # setattr does not call __set_name__, which registers the
                # constraint on the model definition.
                constraint.__set_name__(cls, f"_{name}")
        else:
            cls._sql_constraints = list(constraints)
        return cls

    return decorate


def reconcile_exchange_moves(lines):
    """The exchange difference entries of the reconciliations of ``lines``."""
    partials = lines.matched_debit_ids | lines.matched_credit_ids
    moves = partials.exchange_move_id
    if not IS_19:
        # 18.0 also books the exchange difference of a full reconciliation.
        moves |= lines.full_reconcile_id.exchange_move_id
    return moves
