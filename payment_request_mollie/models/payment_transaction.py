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
KINDS = ("refund", "chargeback")


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
        """Book, once, what Mollie refunded or charged back of this transaction
        since the last sync, from the cumulative amounts Mollie reports."""
        self.ensure_one()
        request = self.payment_request_ids[:1]
        request._lock_for_payment()
        currency = self.currency_id
        totals = {
            "refund": mollie_amount(payment.amount_refunded),
            "chargeback": mollie_amount(payment.amount_chargedback),
        }
        booked_payments = self._get_payment_request_mollie_booked(payment.id)
        for kind in KINDS:
            booked = sum(
                booked_payments.filtered(
                    lambda p, kind=kind: p.payment_request_provider_ref.startswith(f"{payment.id}/{kind}/")
                ).mapped("amount")
            )
            missing = currency.round(totals[kind] - booked)
            if currency.compare_amounts(missing, 0.0) <= 0:
                continue
            resources = payment.refunds if kind == "refund" else payment.chargebacks
            movements = list(read_all_pages(resources.list(limit=PAGE_SIZE)))
            dates = [m.created_at[:10] for m in movements if getattr(m, "created_at", None)]
            date = fields.Date.to_date(max(dates)) if dates else fields.Date.context_today(self)
            reference = f"{payment.id}/{kind}/{totals[kind]:.{currency.decimal_places}f}"
            self._create_payment_request_mollie_refund(kind, missing, date, reference)

    def _get_payment_request_mollie_booked(self, mollie_id):
        """Return the outbound payments already booked for a Mollie payment."""
        # sudo: the webhook and the cron act for the system.
        return (
            self.env["account.payment"]
            .sudo()
            .search(
                [
                    ("payment_request_provider_ref", "=like", f"{mollie_id}/%"),
                    ("company_id", "=", self.company_id.id),
                    ("state", "not in", ("draft", "canceled", "rejected")),
                ]
            )
        )

    def _prepare_payment_request_mollie_refund_vals(self, kind, amount, date, reference):
        self.ensure_one()
        journal = self.provider_id.journal_id
        label = self.env._("refund") if kind == "refund" else self.env._("chargeback")
        return {
            "payment_type": "outbound",
            "partner_type": "customer",
            "partner_id": self.partner_id.commercial_partner_id.id,
            "company_id": self.company_id.id,
            "amount": amount,
            "currency_id": self.currency_id.id,
            "date": date,
            "journal_id": journal.id,
            "payment_method_line_id": journal.outbound_payment_method_line_ids[:1].id,
            "memo": f"{self.reference} - Mollie {label}",
            # A payment that did not go onto the request (cancelled meanwhile)
            # does not come off it either.
            "payment_request_id": self.payment_id.payment_request_id.id,
            "payment_request_provider_ref": reference,
        }

    def _create_payment_request_mollie_refund(self, kind, amount, date, reference):
        """Book one Mollie refund or chargeback as an outbound customer payment."""
        self.ensure_one()
        # sudo: the amounts come from Mollie's own answer, never from posted data.
        refund = (
            self.env["account.payment"]
            .sudo()
            .create(self._prepare_payment_request_mollie_refund_vals(kind, amount, date, reference))
        )
        refund.action_post()
        label = self.env._("Refund") if kind == "refund" else self.env._("Chargeback")
        for request in self.payment_request_ids:
            request.message_post(
                body=self.env._(
                    "%(kind)s of %(amount)s at Mollie (%(reference)s) booked as %(payment)s.",
                    kind=label,
                    amount=self.currency_id.format(amount),
                    reference=self.provider_reference,
                    payment=refund._get_html_link(),
                )
            )
        return refund

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
