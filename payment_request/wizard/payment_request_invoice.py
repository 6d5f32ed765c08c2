from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import CLOSED_STATES


class PaymentRequestInvoice(models.TransientModel):
    _name = "payment.request.invoice"
    _description = "Create Invoices from Payment Requests"

    payment_request_ids = fields.Many2many(
        comodel_name="payment.request",
        string="Payment Requests",
        required=True,
    )
    invoice_mode = fields.Selection(
        selection=[
            ("regular", "Regular invoice"),
            ("down_payment", "Down payment of the amount received"),
        ],
        string="Invoice",
        compute="_compute_invoice_mode",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="Regular: invoice what the orders have to invoice, as the order's "
        "Create Invoice button does.\\n"
        "Down payment: invoice the amount received as a down payment, which "
        "the final invoice of the order deducts.",
    )
    post_invoice = fields.Boolean(
        string="Post Invoices",
        default=lambda self: self.env.company.payment_request_post_invoice,
        help="Post the invoices right away: the payments received settle them. "
        "The next invoices start from your last choice.",
    )
    post_invoice_note = fields.Char(
        string="Money Received",
        compute="_compute_post_invoice_note",
    )
    order_count = fields.Integer(compute="_compute_order_count")
    invoice_mode_reason = fields.Char(
        string="Why this invoice",
        compute="_compute_invoice_mode_reason",
    )

    @api.depends("payment_request_ids")
    def _compute_invoice_mode(self):
        """A regular invoice when every order has something to invoice; a
        down payment of the money received otherwise (a customer who pays
        before delivery has nothing delivered to invoice yet)."""
        for wizard in self:
            nothing_to_invoice = wizard._get_orders_with_nothing_to_invoice()
            received = any(
                r.currency_id.compare_amounts(r.amount_uninvoiced, 0.0) > 0
                for r in wizard.payment_request_ids
            )
            wizard.invoice_mode = "down_payment" if nothing_to_invoice and received else "regular"

    @api.depends("invoice_mode", "payment_request_ids")
    def _compute_invoice_mode_reason(self):
        for wizard in self:
            nothing_to_invoice = wizard._get_orders_with_nothing_to_invoice()
            if wizard.invoice_mode == "down_payment" and nothing_to_invoice:
                wizard.invoice_mode_reason = self.env._(
                    "Nothing on %(orders)s can be invoiced yet (nothing delivered): the money "
                    "received is invoiced as a down payment, which the final invoice deducts.",
                    orders=", ".join(nothing_to_invoice.mapped("name")),
                )
            elif wizard.invoice_mode == "down_payment":
                wizard.invoice_mode_reason = self.env._(
                    "The money received is invoiced as a down payment, which the final invoice deducts."
                )
            elif nothing_to_invoice:
                wizard.invoice_mode_reason = self.env._(
                    "Nothing on %(orders)s can be invoiced yet and no money was received: "
                    "deliver the order first.",
                    orders=", ".join(nothing_to_invoice.mapped("name")),
                )
            else:
                wizard.invoice_mode_reason = self.env._(
                    "The orders have products to invoice: a regular invoice, "
                    "which the money received settles."
                )

    @api.depends("post_invoice")
    def _compute_post_invoice_note(self):
        for wizard in self:
            wizard.post_invoice_note = (
                False
                if wizard.post_invoice
                else self.env._(
                    "The invoices stay drafts: the money received stays an open payment of the "
                    "customer until you post them, and then settles them."
                )
            )

    @api.depends("payment_request_ids")
    def _compute_order_count(self):
        for wizard in self:
            wizard.order_count = len(wizard.payment_request_ids.sale_order_id)

    def _get_orders_with_nothing_to_invoice(self):
        """Return the orders of the selected requests that a regular invoice
        could not bill yet (nothing delivered, or all invoiced)."""
        return self.payment_request_ids.sale_order_id.filtered(
            lambda order: not order._get_payment_request_invoiceable_lines()
        )

    def action_create_invoices(self):
        """Make one invoice per sale order of the selected requests, link the
        requests to it and show the invoices."""
        self.ensure_one()
        self._save_post_invoice_choice()
        invoices = self._create_and_post_invoices()
        return self._get_invoices_action(invoices)

    def _save_post_invoice_choice(self):
        """Keep the user's choice of Post Invoices as the company's default."""
        company = self.env.company
        if company.payment_request_post_invoice != self.post_invoice:
            # sudo: a billing user may not edit the company; only the default
            # of this wizard's checkbox is stored, which grants nothing.
            company.sudo().payment_request_post_invoice = self.post_invoice

    def _create_and_post_invoices(self):
        """Make the invoices of the selected requests, posted when asked."""
        self.ensure_one()
        self._check_requests()
        invoices = self._create_invoices()
        if self.post_invoice:
            invoices.action_post()
        return invoices

    def _check_requests(self):
        """Raise before anything is made when a request cannot be invoiced."""
        requests = self.payment_request_ids
        without_order = requests.filtered(lambda r: not r.sale_order_id)
        if without_order:
            raise UserError(
                self.env._(
                    "Payment requests without a sale order cannot be invoiced: %(requests)s.",
                    requests=", ".join(without_order.mapped("name")),
                )
            )
        closed = requests.filtered(lambda r: r.state in CLOSED_STATES)
        if closed:
            raise UserError(
                self.env._(
                    "Cancelled or already invoiced payment requests cannot be invoiced: %(requests)s.",
                    requests=", ".join(closed.mapped("name")),
                )
            )
        if self.invoice_mode == "regular":
            nothing = self._get_orders_with_nothing_to_invoice()
            if nothing:
                raise UserError(
                    self.env._(
                        "There is nothing to invoice on %(orders)s yet: deliver the order first, "
                        "or invoice the money received as a down payment.",
                        orders=", ".join(nothing.mapped("name")),
                    )
                )
        if self.invoice_mode == "down_payment":
            unpaid = requests.filtered(lambda r: r.currency_id.compare_amounts(r.amount_uninvoiced, 0.0) <= 0)
            if unpaid:
                raise UserError(
                    self.env._(
                        "A down payment invoice bills the money received and not invoiced yet, "
                        "and these requests have none: %(requests)s.",
                        requests=", ".join(unpaid.mapped("name")),
                    )
                )

    def _create_invoices(self):
        requests_by_order = self.payment_request_ids.grouped("sale_order_id")
        invoice_by_order = self._create_order_invoices(requests_by_order)
        invoices = self.env["account.move"]
        bodies = {}
        for order, requests in requests_by_order.items():
            invoice = invoice_by_order[order]
            # sudo: the invoice was just made from these requests, which the
            # wizard checked; the link itself is protected from plain writes.
            invoice.sudo().payment_request_ids = [fields.Command.link(r.id) for r in requests]
            bodies[invoice.id] = escape(
                self.env._(
                    "Invoice created from payment requests %(requests)s.",
                    requests=", ".join(requests.sorted("name").mapped("name")),
                )
            )
            invoices |= invoice
        # One note per invoice, logged in one batch (no notification to send):
        # the user has just created these invoices.
        invoices._message_log_batch(bodies=bodies)
        return invoices

    def _create_order_invoices(self, requests_by_order):
        """Return ``{order: invoice}`` for the orders of ``requests_by_order``
        (``{order: its selected requests}``), made by the sale module: the
        regular invoices of all orders in one batch, one invoice per order, or
        a down payment invoice per order."""
        if self.invoice_mode == "down_payment":
            return {
                order: self._create_down_payment_invoice(order, requests)
                for order, requests in requests_by_order.items()
            }
        orders = self.payment_request_ids.sale_order_id
        invoices = orders._create_invoices(grouped=True, final=True)
        invoice_by_order = {invoice.invoice_line_ids.sale_line_ids.order_id: invoice for invoice in invoices}
        missing = orders.filtered(lambda order: order not in invoice_by_order)
        if missing:
            raise UserError(
                self.env._(
                    "There is nothing to invoice on %(orders)s: deliver or confirm the order first.",
                    orders=", ".join(missing.mapped("name")),
                )
            )
        return invoice_by_order

    def _create_down_payment_invoice(self, order, requests):
        """Return a down payment invoice of the money received on the order."""
        advance_wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create(self._prepare_down_payment_vals(order, requests))
        )
        return advance_wizard._create_invoices(order)

    def _prepare_down_payment_vals(self, order, requests):
        return {
            "advance_payment_method": "fixed",
            # Only the money not on an invoice yet: a request may have been
            # invoiced part of its money before.
            "fixed_amount": sum(requests.mapped("amount_uninvoiced")),
            "sale_order_ids": [fields.Command.set(order.ids)],
        }

    def _get_invoices_action(self, invoices):
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        if len(invoices) == 1:
            action["views"] = [(self.env.ref("account.view_move_form").id, "form")]
            action["res_id"] = invoices.id
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {
            "default_move_type": "out_invoice",
            # The web client would otherwise make this wizard the invoices'
            # active record and put its id in the URL, where a reload reads it
            # as a request's id (/odoo/action-<requests>/<wizard id>/invoicing/<invoice>).
            "active_model": "payment.request",
            "active_id": False,
            "active_ids": self.payment_request_ids.ids,
        }
        return action
