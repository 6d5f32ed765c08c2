"""Mollie, the online payment provider of payment requests.

Everything Mollie-specific lives here, behind four entry points the rest of
the addon calls: ``_mollie_is_enabled``, ``_mollie_ensure_link``,
``_mollie_process_webhook`` and ``_cron_mollie_sync``. Another provider can be
added beside it the same way.
"""

import logging
import re
import secrets

from mollie.api.client import Client
from mollie.api.error import Error as MollieError
from mollie.api.error import NotFoundError, RequestError, ResponseError
from mollie.api.objects.payment_link import PaymentLink

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import format_mollie_amount, parse_mollie_amount, payment_outcome

_logger = logging.getLogger(__name__)

ENDPOINT_PARAM = "payment_request.mollie_api_endpoint"  # tests only: empty means Mollie itself
TIMEOUT_PARAM = "payment_request.mollie_timeout"
WEBHOOK_ROUTE = "/payment_request/mollie/webhook"
# A payment link's page: Mollie's own host and the link's id, nothing else.
PAYMENT_LINK_BASE = "https://payment-links.mollie.com/payment/"
PAYMENT_LINK_ID = re.compile(r"pl_([A-Za-z0-9]{1,64})")


class MollieUnavailable(Exception):
    """Mollie could not be reached, or answered with a server error: retry later."""


class PaymentRequest(models.Model):
    _inherit = "payment.request"

    mollie_token = fields.Char(copy=False, groups="base.group_system", index="btree_not_null")
    mollie_link_id = fields.Char(string="Mollie Payment Link", copy=False, readonly=True)
    mollie_link_url = fields.Char(string="Pay Online Link", copy=False, readonly=True)
    mollie_link_amount = fields.Monetary(string="Amount of the Mollie Link", copy=False, readonly=True)
    mollie_pay_url = fields.Char(
        string="Pay Online",
        compute="_compute_mollie_pay_url",
        help="The page where the customer pays online, built from Mollie's address and the link's id.",
    )

    @api.depends("mollie_link_id")
    def _compute_mollie_pay_url(self):
        for request in self:
            match = PAYMENT_LINK_ID.fullmatch(request.mollie_link_id or "")
            request.mollie_pay_url = PAYMENT_LINK_BASE + match.group(1) if match else False

    @api.model
    def _get_workflow_fields(self):
        return super()._get_workflow_fields() | {
            "mollie_link_id",
            "mollie_link_url",
            "mollie_link_amount",
        }

    # ------------------------------------------------------------------
    # Client
    # ------------------------------------------------------------------

    def _mollie_is_enabled(self):
        self.ensure_one()
        company = self.company_id.sudo()
        return bool(company.payment_request_mollie_enabled and company.payment_request_mollie_api_key)

    @api.model
    def _mollie_client(self, company):
        """Return a Mollie client for the company's API key."""
        # sudo: the API key is readable by administrators only; the client is
        # used by salespeople's actions, the webhook and the cron on their behalf.
        company = company.sudo()
        endpoint = self.env["ir.config_parameter"].sudo().get_param(ENDPOINT_PARAM) or ""
        timeout = int(self.env["ir.config_parameter"].sudo().get_param(TIMEOUT_PARAM) or 10)
        client = Client(api_endpoint=endpoint, timeout=(2, timeout))
        client.set_api_key(company.payment_request_mollie_api_key)
        return client

    @api.model
    def _mollie_error_message(self, error):
        if isinstance(error, ResponseError):
            return self.env._(
                "Mollie answered %(status)s: %(detail)s", status=error.status, detail=str(error)
            )
        return self.env._("Mollie could not be reached: %(error)s", error=str(error))

    @api.model
    def _mollie_is_retryable(self, error):
        """Tell whether a Mollie error is worth retrying later (network, 5xx)."""
        if isinstance(error, ResponseError):
            return error.status is None or error.status >= 500 or error.status == 429
        return isinstance(error, RequestError)

    # ------------------------------------------------------------------
    # Payment links
    # ------------------------------------------------------------------

    def _mollie_ensure_token(self):
        self.ensure_one()
        request = self.sudo()
        if not request.mollie_token:
            request.mollie_token = secrets.token_urlsafe(24)
        return request.mollie_token

    def _mollie_prepare_link_vals(self, amount):
        self.ensure_one()
        base_url = self.get_base_url()
        return {
            "description": self.payment_reference or self.name,
            "amount": {
                "currency": self.currency_id.name,
                "value": format_mollie_amount(amount, self.currency_id.decimal_places),
            },
            "redirectUrl": base_url + self.get_portal_url(),
            "webhookUrl": f"{base_url}{WEBHOOK_ROUTE}?ref={self._mollie_ensure_token()}",
        }

    def _mollie_ensure_link(self):
        """Give each request a Mollie payment link for what it still owes,
        making a new one when the amount changed. Raise a UserError saying
        what Mollie answered when it cannot."""
        for request in self:
            if not request._mollie_is_enabled():
                continue
            amount = request.amount_residual if request.state in ("sent", "partial") else request.amount
            currency = request.currency_id
            if currency.compare_amounts(amount, 0.0) <= 0:
                continue
            if request.mollie_link_id and currency.compare_amounts(amount, request.mollie_link_amount) == 0:
                continue
            try:
                link = request._mollie_client(request.company_id).payment_links.create(
                    request._mollie_prepare_link_vals(amount),
                    idempotency_key=f"{request._mollie_ensure_token()}-{amount}",
                )
            except MollieError as error:
                raise UserError(
                    self.env._(
                        "The Mollie payment link of %(request)s could not be made. %(reason)s",
                        request=request.name,
                        reason=self._mollie_error_message(error),
                    )
                ) from error
            # sudo: the link fields are protected from plain writes; they come
            # from Mollie's answer to the server's own call.
            request.sudo().write(
                {
                    "mollie_link_id": link.id,
                    "mollie_link_url": link.payment_link,
                    "mollie_link_amount": amount,
                }
            )
            request.message_post(
                body=self.env._(
                    "Mollie payment link for %(amount)s: %(url)s",
                    amount=currency.format(amount),
                    url=link.payment_link,
                ),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------------
    # Webhook and sync
    # ------------------------------------------------------------------

    @api.model
    def _mollie_find_by_token(self, token):
        if not token or len(token) > 100:
            return self.browse()
        # sudo: the webhook is public; the secret token is what identifies
        # the request, and only the fetched Mollie payment changes anything.
        return self.sudo().search([("mollie_token", "=", token)], limit=1)

    @api.model
    def _mollie_process_webhook(self, token, mollie_id):
        """Sync one Mollie payment notified by the webhook. Return
        ``"ok"`` (also for unknown tokens or ids: nothing to do) or
        ``"retry"`` when Mollie could not be asked."""
        request = self._mollie_find_by_token(token)
        if (
            not request
            or not isinstance(mollie_id, str)
            or not mollie_id.startswith("tr_")
            or len(mollie_id) > 64
        ):
            return "ok"
        try:
            payment = request._mollie_client(request.company_id).payments.get(mollie_id)
        except NotFoundError:
            return "ok"
        except MollieError as error:
            _logger.warning("Mollie webhook for %s: %s", request.name, error)
            return "retry" if request._mollie_is_retryable(error) else "ok"
        if payment.description != (request.payment_reference or request.name):
            _logger.warning("Mollie payment %s does not belong to %s: ignored", mollie_id, request.name)
            return "ok"
        request._mollie_sync_payment(payment)
        return "ok"

    def _mollie_sync_payment(self, payment):
        """Bring the request in line with what Mollie says of one payment:
        the money received, refunded and charged back, each booked once."""
        self.ensure_one()
        self._lock_for_payment()
        currency = self.currency_id
        existing = (
            self.env["account.payment"]
            .sudo()
            .search(
                [
                    ("payment_request_provider_ref", "=like", f"{payment.id}%"),
                    ("company_id", "=", self.company_id.id),
                ]
            )
        )
        outcome = payment_outcome(payment.status, payment.paid_at)
        if outcome == "failed":
            if not existing:
                self.message_post(
                    body=self.env._(
                        "Mollie payment %(payment)s is %(status)s: nothing was received.",
                        payment=payment.id,
                        status=payment.status,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            return
        if outcome != "paid":
            return
        amount = parse_mollie_amount(payment.amount)
        if not existing.filtered(lambda p: p.payment_request_provider_ref == payment.id):
            self._mollie_register(payment.id, amount, "inbound", payment.paid_at, payment.method)
        for kind, total in (
            ("refund", parse_mollie_amount(payment.amount_refunded)),
            ("chargeback", parse_mollie_amount(payment.amount_chargedback)),
        ):
            booked = sum(
                existing.filtered(
                    lambda p, kind=kind: p.payment_request_provider_ref.startswith(f"{payment.id}/{kind}/")
                )
                .filtered(lambda p: p.state not in ("draft", "canceled"))
                .mapped("amount")
            )
            missing = currency.round(total - booked)
            if currency.compare_amounts(missing, 0.0) > 0:
                reference = f"{payment.id}/{kind}/{format_mollie_amount(total, currency.decimal_places)}"
                label = self.env._("refund") if kind == "refund" else self.env._("chargeback")
                self._mollie_register(reference, missing, "outbound", None, label)

    def _mollie_register(self, reference, amount, direction, paid_at, label):
        """Book one Mollie money movement on the Mollie journal, through the
        same wizard as a manual registration (inbound) or as a customer
        refund (outbound)."""
        self.ensure_one()
        company = self.company_id.sudo()
        journal = company.payment_request_mollie_journal_id
        if not journal:
            raise UserError(self.env._("Set the Mollie journal in the settings of %s.", company.name))
        date = fields.Date.to_date(paid_at[:10]) if paid_at else fields.Date.context_today(self)
        # sudo: the webhook and the cron act for the system; the amounts come
        # from Mollie's own answer, never from the posted data.
        if direction == "inbound":
            wizard = (
                self.env["payment.request.register"]
                .sudo()
                .create(
                    {
                        "payment_request_id": self.id,
                        "journal_id": journal.id,
                        "amount": amount,
                        "payment_date": date,
                        "note": self.env._("Mollie %(id)s (%(method)s)", id=reference, method=label or "-"),
                        "provider_reference": reference,
                    }
                )
            )
            wizard._create_payments()
            if self.currency_id.compare_amounts(self.amount_residual, 0.0) < 0:
                self.message_post(
                    body=self.env._(
                        "Mollie received more than this request asked: %(excess)s too much.",
                        excess=self.currency_id.format(-self.amount_residual),
                    )
                )
            return
        method_line = journal.outbound_payment_method_line_ids[:1]
        refund = (
            self.env["account.payment"]
            .sudo()
            .create(
                {
                    "payment_type": "outbound",
                    "partner_type": "customer",
                    "partner_id": self.partner_id.commercial_partner_id.id,
                    "company_id": self.company_id.id,
                    "amount": amount,
                    "currency_id": self.currency_id.id,
                    "date": date,
                    "journal_id": journal.id,
                    "payment_method_line_id": method_line.id,
                    "memo": f"{self.payment_reference} - Mollie {label}",
                    "payment_request_id": self.id,
                    "payment_request_provider_ref": reference,
                }
            )
        )
        refund.action_post()
        self.message_post(
            body=self.env._(
                "Mollie %(kind)s of %(amount)s booked as %(payment)s.",
                kind=label,
                amount=self.currency_id.format(amount),
                payment=refund._get_html_link(),
            )
        )

    @api.model
    def _cron_mollie_sync(self):
        """Poll the payment links of open requests, for servers Mollie's
        webhooks cannot reach."""
        requests = self.sudo().search(
            [
                ("mollie_link_id", "!=", False),
                ("state", "in", ("sent", "partial")),
                ("company_id.payment_request_mollie_enabled", "=", True),
            ],
            order="id",
        )
        for request in requests:
            try:
                client = request._mollie_client(request.company_id)
                link = PaymentLink({"id": request.mollie_link_id}, client)
                for payment in link.payments.list():
                    with self.env.cr.savepoint():
                        request._mollie_sync_payment(payment)
            except MollieError as error:
                _logger.warning("Mollie sync of %s: %s", request.name, error)
        return len(requests)
