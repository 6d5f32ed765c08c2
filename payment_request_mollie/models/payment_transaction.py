import logging
from datetime import timedelta
from decimal import Decimal

from mollie.api.error import Error as MollieError

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# Mollie takes chargebacks up to about 180 days after the payment; the sync
# looks at the request transactions of that period.
SYNC_DAYS = 200
PAGE_SIZE = 250
# Refund statuses of Mollie that count in the payment's amountRefunded: the
# money leaves the Mollie balance. A refund Mollie fails or cancels does not.
REFUND_VOID_STATUSES = ("failed", "canceled")


def mollie_amount(amount):
    """Return the float value of a Mollie amount object, 0.0 when absent."""
    if not amount or amount.get("value") in (None, ""):
        return 0.0
    return float(Decimal(amount["value"]))


def read_all_pages(page):
    """Yield every object of a Mollie list, page after page."""
    while page is not None:
        yield from page
        page = page.get_next() if page.has_next() else None


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def init(self):
        res = super().init()
        # One Mollie refund or chargeback, one child transaction: the webhook
        # and the hourly sync may both see it.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS payment_transaction_refund_provider_reference_uniq
                ON payment_transaction (source_transaction_id, provider_reference)
             WHERE operation = 'refund' AND provider_reference IS NOT NULL
            """
        )
        return res

    def _process_notification_data(self, notification_data):
        """Mollie calls the webhook of a payment again when it is refunded or
        charged back: book those on the request the transaction paid (18.0)."""
        res = super()._process_notification_data(notification_data)
        self._payment_request_mollie_sync_after_notification()
        return res

    def _apply_updates(self, payment_data):
        """The same as _process_notification_data, which 19.0 renamed."""
        res = super()._apply_updates(payment_data)
        self._payment_request_mollie_sync_after_notification()
        return res

    def _payment_request_mollie_sync_after_notification(self):
        if self._is_payment_request_mollie_syncable():
            client = self.provider_id._payment_request_mollie_client()
            self._payment_request_mollie_sync(client.payments.get(self.provider_reference))

    def _is_payment_request_mollie_syncable(self):
        self.ensure_one()
        return bool(
            self.provider_code == "mollie"
            and self.state == "done"
            and self.operation != "refund"
            and self.payment_request_ids
            and self.payment_id
            and self.provider_reference
        )

    def _payment_request_mollie_sync(self, payment):
        """Bring what Mollie refunded or charged back of this transaction onto
        its request, once: each Mollie refund or chargeback becomes a refund
        child transaction of this one, as Odoo's Stripe and Adyen providers do,
        whose payment comes off the request; one that Mollie later fails,
        cancels or reverses is cancelled with its payment."""
        self.ensure_one()
        self._get_payment_request()._lock_for_payment()
        children = {
            child.provider_reference: child
            for child in self.child_transaction_ids
            if child.operation == "refund" and child.provider_reference
        }
        for kind, movement, void in self._get_payment_request_mollie_movements(payment, children):
            child = children.get(movement.id)
            if void:
                if child and child.state == "done":
                    self._cancel_payment_request_mollie_refund(kind, child)
            elif not child:
                self._create_payment_request_mollie_refund(kind, movement)

    def _get_payment_request_mollie_movements(self, payment, children):
        """Yield ``(kind, Mollie object, void)`` for the refunds and chargebacks
        of a Mollie payment, oldest first (Mollie lists the newest first); a
        list is read only when Mollie reports an amount for it or one of its
        movements was booked before."""
        booked = set(children)
        if mollie_amount(payment.amount_refunded) or any(ref.startswith("re_") for ref in booked):
            for refund in reversed(list(read_all_pages(payment.refunds.list(limit=PAGE_SIZE)))):
                yield "refund", refund, refund.status in REFUND_VOID_STATUSES
        if mollie_amount(payment.amount_chargedback) or any(ref.startswith("chb_") for ref in booked):
            for chargeback in reversed(list(read_all_pages(payment.chargebacks.list(limit=PAGE_SIZE)))):
                yield "chargeback", chargeback, bool(chargeback.reversed_at)

    def _get_payment_request_mollie_label(self, kind):
        return self.env._("Refund") if kind == "refund" else self.env._("Chargeback")

    def _create_payment_request_mollie_refund(self, kind, movement):
        """Book one Mollie refund or chargeback as a done refund child
        transaction; its post-processing books the outbound payment."""
        self.ensure_one()
        amount = mollie_amount(movement.amount)
        # sudo: the amounts come from Mollie's own answer, never from posted data.
        child = self.sudo()._create_child_transaction(amount, is_refund=True, provider_reference=movement.id)
        child._set_done()
        created = getattr(movement, "created_at", None)
        date = fields.Date.to_date(created[:10]) if created else fields.Date.context_today(self)
        # The payment is dated when Mollie took the money back, also when the
        # hourly sync books it later.
        child.with_context(payment_request_mollie_date=date)._post_process()
        for request in self.payment_request_ids:
            request.message_post(
                body=self.env._(
                    "%(kind)s of %(amount)s at Mollie (%(reference)s) booked as %(payment)s.",
                    kind=self._get_payment_request_mollie_label(kind),
                    amount=self.currency_id.format(amount),
                    reference=movement.id,
                    payment=child.payment_id._get_html_link(),
                )
            )
        return child

    def _create_payment(self, **extra_create_values):
        """Date a Mollie refund's payment as Mollie dated the refund."""
        date = self.env.context.get("payment_request_mollie_date")
        if date and self.operation == "refund":
            extra_create_values.setdefault("date", date)
        return super()._create_payment(**extra_create_values)

    def _cancel_payment_request_mollie_refund(self, kind, child):
        """Reverse a booked refund or chargeback that Mollie failed, cancelled
        or reversed: the child transaction and its payment are cancelled, so
        the request counts the money as received again."""
        self.ensure_one()
        child._set_canceled(extra_allowed_states=("done",))
        # account_payment's post-processing cancels a cancelled transaction's payment.
        child._post_process()
        for request in self.payment_request_ids:
            request.message_post(
                body=self.env._(
                    "%(kind)s %(reference)s of %(amount)s was cancelled at Mollie: "
                    "payment %(payment)s is cancelled.",
                    kind=self._get_payment_request_mollie_label(kind),
                    reference=child.provider_reference,
                    amount=self.currency_id.format(-child.amount),
                    payment=child.payment_id._get_html_link(),
                )
            )

    @api.model
    def _cron_payment_request_mollie_sync(self):
        """Book the refunds and chargebacks made in Mollie for the request
        transactions of the last months, for each company's Mollie provider.
        A request that fails is logged and retried at the next run."""
        since = fields.Datetime.now() - timedelta(days=SYNC_DAYS)
        # sudo: the cron acts for the system, across companies.
        transactions = self.sudo().search(
            [
                ("provider_code", "=", "mollie"),
                ("state", "=", "done"),
                ("operation", "!=", "refund"),
                ("payment_request_ids", "!=", False),
                ("payment_id", "!=", False),
                ("provider_reference", "!=", False),
                ("create_date", ">=", since),
            ]
        )
        synced = 0
        for provider, provider_transactions in transactions.grouped("provider_id").items():
            pending = {tx.provider_reference: tx for tx in provider_transactions}
            try:
                client = provider._payment_request_mollie_client()
                for payment in read_all_pages(client.payments.list(limit=PAGE_SIZE)):
                    tx = pending.pop(payment.id, None)
                    if tx and tx._payment_request_mollie_sync_safely(payment):
                        synced += 1
                    if not pending:
                        break
            except MollieError as error:
                _logger.warning("Mollie sync of %s stopped: %s", provider.name, error)
        return synced

    def _payment_request_mollie_sync_safely(self, payment):
        """Sync one transaction in its own savepoint; log a failure and go on."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._payment_request_mollie_sync(payment)
        except Exception as error:  # one request never stops the others
            _logger.warning(
                "Mollie sync of %s (%s) failed, retried at the next run: %s",
                self.payment_request_ids[:1].name,
                self.provider_reference,
                error,
            )
            return False
        return True
