"""The state sets and other constants of payment_request, each named once.

Like ``odoo/addons/payment/const.py``: every file that tests a state against a
set of states imports the set from here, so that the sets cannot drift apart.
"""

# ------------------------------------------------------------------
# payment.request
# ------------------------------------------------------------------

#: A request that waits for the customer's money: reminded, payable online,
#: shown in the Outstanding filter.
OUTSTANDING_STATES = ("sent", "partial")
#: A request a bank transaction may be linked to by hand: waiting for money,
#: or paid (the bank transaction then confirms a registered payment).
LINKABLE_STATES = (*OUTSTANDING_STATES, "paid")
#: A request that received all it asked.
PAID_STATES = ("paid", "done")
#: A request that was never sent, or was cancelled: it never asked anything.
INACTIVE_STATES = ("draft", "cancel")
#: A request that is over: invoiced (done) or cancelled.
CLOSED_STATES = ("done", "cancel")

# ------------------------------------------------------------------
# account.payment
# ------------------------------------------------------------------

#: A payment whose money counts as received by its request: a live payment,
#: not a draft, cancelled or rejected one.
PAYMENT_RECEIVED_STATES = ("in_process", "paid")
#: The registered payments of a request that no bank transaction has matched yet.
UNMATCHED_PAYMENT_DOMAIN = [
    ("state", "=", "in_process"),
    ("payment_type", "=", "inbound"),
    ("is_matched", "=", False),
]

# ------------------------------------------------------------------
# Money received (payment.request._get_money_received)
# ------------------------------------------------------------------

#: What the money a request received depends on: the dependencies of every
#: computed field that reads ``_get_money_received`` or its amounts.
MONEY_RECEIVED_DEPENDS = (
    "currency_id",
    "company_id",
    "payment_ids.state",
    "payment_ids.amount",
    "payment_ids.payment_type",
    "payment_ids.currency_id",
    "payment_ids.date",
    "received_line_ids.amount_currency",
    "received_line_ids.currency_id",
    "received_line_ids.date",
    "received_line_ids.account_type",
    "received_line_ids.parent_state",
)

# ------------------------------------------------------------------
# payment.transaction
# ------------------------------------------------------------------

#: An online transaction whose money is on its way but not booked yet (a done
#: transaction counts too until its payment is posted).
IN_PROGRESS_TX_STATES = ("pending", "authorized")
#: Transaction operations that bring no money to a request.
TX_NO_MONEY_OPERATIONS = ("refund", "validation")
