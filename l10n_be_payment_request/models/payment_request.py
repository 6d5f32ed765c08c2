"""The invoice deadline of the money a payment request received.

In Belgium the money received for an advance payment is the chargeable event
for VAT (WBTW art. 17 §1 for goods, art. 22bis for services), and an invoice
for at least that amount is due by the 15th of the month after the month of
receipt (KB nr. 1, as amended by the KB of 18 December 2015). A request keeps
the earliest such deadline of its received amounts that no posted invoice
covers yet; a daily cron gives the salesperson an activity before it, and can
make the down payment invoice itself.
"""

import logging

from markupsafe import Markup

from odoo import Command, api, fields, models

from odoo.addons.payment_request.compat import commit_cron_progress
from odoo.addons.payment_request.const import MONEY_RECEIVED_DEPENDS

from ..tools import OGM_BASE_OFFSET, advance_invoice_deadline, format_ogm, next_working_day_after

INVOICE_DEADLINE_BATCH_SIZE = 500

_logger = logging.getLogger(__name__)


class PaymentRequest(models.Model):
    _inherit = "payment.request"

    invoice_deadline = fields.Date(
        compute="_compute_invoice_deadline",
        store=True,
        index="btree_not_null",
        copy=False,
        help="The date by which the money received and not invoiced yet must be invoiced: the "
        "15th of the month after the earliest such receipt (Belgian VAT on advance payments). "
        "Empty when nothing is due, or when the rule does not apply to the customer.",
    )
    invoice_deadline_activity_date = fields.Date(
        readonly=True,
        copy=False,
        help="The invoice deadline for which the salesperson was last given an activity.",
    )

    @api.depends(
        *MONEY_RECEIVED_DEPENDS,
        "commercial_partner_id.vat",
        "company_id.account_fiscal_country_id",
        "company_id.payment_request_invoice_deadline_scope",
        "payment_ids.move_id.line_ids.amount_residual",
        "payment_ids.move_id.line_ids.matched_debit_ids.debit_move_id.parent_state",
        "received_line_ids.amount_residual",
        "received_line_ids.parent_state",
        "received_line_ids.matched_debit_ids.debit_move_id.parent_state",
    )
    def _compute_invoice_deadline(self):
        for request in self:
            if not request._is_invoice_deadline_applicable():
                request.invoice_deadline = False
                continue
            uninvoiced = request._get_uninvoiced_received_amounts()
            if uninvoiced:
                request.invoice_deadline = advance_invoice_deadline(min(date for date, _amount in uninvoiced))
            else:
                request.invoice_deadline = False

    def _is_invoice_deadline_applicable(self):
        """Return whether the received money must be invoiced by a deadline:
        only for a Belgian company, for customers with a VAT number
        (businesses must be invoiced), or for all or none as it sets."""
        self.ensure_one()
        if not self.company_id._is_payment_request_belgian():
            return False
        scope = self.company_id.payment_request_invoice_deadline_scope
        return scope == "all" or (scope == "vat_customers" and bool(self.commercial_partner_id.vat))

    def _build_payment_reference(self):
        """A Belgian company's requests carry a Belgian structured
        communication (OGM), numbered from OGM_BASE_OFFSET."""
        if self.company_id._is_payment_request_belgian():
            self.ensure_one()
            return format_ogm(OGM_BASE_OFFSET + self.id)
        return super()._build_payment_reference()

    # ------------------------------------------------------------------
    # The daily cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_invoice_deadlines(self, batch_size=INVOICE_DEADLINE_BATCH_SIZE):
        """Invoice the requests whose company invoices automatically and whose
        deadline is near, close the activities of deadlines met, and give the
        salesperson an activity for the deadlines coming within the
        company's warning days."""
        today = fields.Date.context_today(self)
        self._auto_invoice_due_requests(today)
        self._close_met_invoice_deadline_activities()
        done = 0
        while True:
            requests = self._get_invoice_deadline_activity_candidates(today, batch_size)
            if not requests:
                break
            requests._schedule_invoice_deadline_activities()
            done += len(requests)
            if self.env.context.get("ir_cron_progress_id"):
                remaining = len(self._get_invoice_deadline_activity_candidates(today, None))
                commit_cron_progress(self.env, len(requests), remaining)
                break
        return done

    @api.model
    def _get_invoice_deadline_activity_candidates(self, today, limit):
        """Return the requests whose deadline falls within their company's
        warning days and whose salesperson was not given an activity for
        that deadline yet."""
        self.flush_model(["invoice_deadline", "invoice_deadline_activity_date", "company_id"])
        self.env["res.company"].flush_model(["payment_request_invoice_deadline_days"])
        # Two columns of the same row are compared, which a domain cannot say.
        self.env.cr.execute(
            """
            SELECT request.id
              FROM payment_request request
              JOIN res_company company ON company.id = request.company_id
             WHERE request.invoice_deadline IS NOT NULL
               AND request.invoice_deadline - COALESCE(company.payment_request_invoice_deadline_days, 0) <= %s
               AND request.invoice_deadline_activity_date IS DISTINCT FROM request.invoice_deadline
             ORDER BY request.invoice_deadline, request.id
             LIMIT %s
            """,
            [today, limit],
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _get_invoice_deadline_activity_type(self):
        return self.env.ref("l10n_be_payment_request.mail_activity_type_payment_request_invoice")

    def _get_invoice_deadline_responsible(self):
        """Return who must invoice: the order's salesperson, or the request's."""
        self.ensure_one()
        return self.sale_order_id.user_id or self.user_id or self.env.user

    def _schedule_invoice_deadline_activities(self):
        """Give each request's salesperson one activity to invoice the money
        received, due on the request's invoice deadline."""
        activity_type = self._get_invoice_deadline_activity_type()
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for request in self:
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": request.id,
                    "activity_type_id": activity_type.id,
                    "date_deadline": request.invoice_deadline,
                    "user_id": request._get_invoice_deadline_responsible().id,
                    "note": self.env._(
                        "%(amount)s received and not invoiced yet must be invoiced by %(deadline)s.",
                        amount=request.currency_id.format(request.amount_uninvoiced),
                        deadline=fields.Date.to_string(request.invoice_deadline),
                    ),
                }
            )
        self.env["mail.activity"].create(vals_list)
        for request in self:
            request.invoice_deadline_activity_date = request.invoice_deadline

    @api.model
    def _close_met_invoice_deadline_activities(self):
        """Mark done the activities whose deadline is met: the money they were
        given for is invoiced (the request has no deadline, or a later one)."""
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", self._name),
                ("activity_type_id", "=", self._get_invoice_deadline_activity_type().id),
            ]
        )
        requests = self.browse(activities.mapped("res_id")).exists()
        met = requests.filtered(lambda r: r.invoice_deadline != r.invoice_deadline_activity_date)
        invoiced = met.filtered(lambda r: not r.invoice_deadline)
        activities.filtered(lambda activity: activity.res_id in invoiced.ids).action_feedback(
            feedback=self.env._("The money received is invoiced.")
        )
        # Part of the money is invoiced, or money was found received earlier:
        # the activity was for another deadline than the request's now.
        for request in met - invoiced:
            activities.filtered(
                lambda activity, request=request: activity.res_id == request.id
            ).action_feedback(
                feedback=self.env._(
                    "The invoice deadline is now %(deadline)s.",
                    deadline=fields.Date.to_string(request.invoice_deadline),
                )
            )
        # The next deadline, even in the same month, gets its own activity.
        met.invoice_deadline_activity_date = False

    # ------------------------------------------------------------------
    # Automatic invoicing
    # ------------------------------------------------------------------

    @api.model
    def _get_auto_invoice_candidates(self, today):
        """Return the requests of companies that invoice automatically whose
        deadline has today as its last working day before it, or is later
        than that (a cron that did not run catches up)."""
        return self.search(
            [
                ("invoice_deadline", "!=", False),
                ("invoice_deadline", "<=", next_working_day_after(today)),
                ("company_id.payment_request_auto_invoice", "=", True),
            ],
            order="invoice_deadline, id",
        )

    @api.model
    def _auto_invoice_due_requests(self, today):
        """Make and post a down payment invoice of the money received for each
        order whose requests reach their deadline. A failure is noted on the
        requests and never stops the others."""
        requests = self._get_auto_invoice_candidates(today)
        invoiced = self.browse()
        for _order, order_requests in requests.grouped("sale_order_id").items():
            try:
                with self.env.cr.savepoint():
                    order_requests._create_auto_invoice()
            except Exception as error:
                _logger.info("Payment requests %s: not invoiced automatically: %s", order_requests.ids, error)
                order_requests._log_auto_invoice_failure(error)
                continue
            invoiced |= order_requests
        return invoiced

    def _create_auto_invoice(self):
        """Invoice the money received for these requests of one order as a
        down payment, posted, through the same wizard as Create Invoice."""
        before = self.invoice_ids
        deadlines = {request: request.invoice_deadline for request in self}
        # The cron runs for all companies: invoice in the requests' own.
        wizard = (
            self.env["payment.request.invoice"]
            .with_company(self.company_id[:1])
            .create(
                {
                    "payment_request_ids": [Command.set(self.ids)],
                    "invoice_mode": "down_payment",
                    "post_invoice": True,
                }
            )
        )
        wizard._create_and_post_invoices()
        invoices = self.invoice_ids - before
        for request in self:
            request.message_post(
                body=self.env._(
                    "Down payment invoice %(invoices)s created and posted automatically: the money "
                    "received had to be invoiced by %(deadline)s.",
                    invoices=Markup(", ").join(invoice._get_html_link() for invoice in invoices),
                    deadline=fields.Date.to_string(deadlines[request]),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return invoices

    def _log_auto_invoice_failure(self, error):
        """Note why the automatic invoice failed and ask the salesperson, once,
        to invoice by hand."""
        reason = str(error.args[0]) if getattr(error, "args", None) else str(error)
        summary = self.env._("Automatic invoice failed")
        for request in self:
            if request.activity_ids.filtered(lambda activity: activity.summary == summary):
                continue
            request.message_post(
                body=self.env._(
                    "The down payment invoice could not be made automatically: %(reason)s",
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
            request.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=request.invoice_deadline,
                summary=summary,
                note=reason,
                user_id=request._get_invoice_deadline_responsible().id,
            )
