from odoo import api, fields, models

from ..const import INACTIVE_STATES


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    payment_request_id = fields.Many2one(
        comodel_name="payment.request",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="restrict",
        check_company=True,
        help="The payment request this bank transaction's receivable item pays.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["payment.request"]._check_link_fields(self, vals_list, {"payment_request_id"})
        lines = super().create(vals_list)
        lines.filtered("payment_request_id").payment_request_id._check_can_receive_money()
        # A bank transaction linked to a request may complete its payment.
        lines.filtered(
            lambda line: line.payment_request_id and line.parent_state == "posted"
        ).payment_request_id._confirm_paid_quotations()
        return lines

    def write(self, vals):
        self.env["payment.request"]._check_link_fields(self, [vals], {"payment_request_id"})
        res = super().write(vals)
        if vals.get("payment_request_id"):
            self.payment_request_id._check_can_receive_money()
        return res


class AccountMove(models.Model):
    _inherit = "account.move"

    payment_request_ids = fields.Many2many(
        comodel_name="payment.request",
        relation="payment_request_account_move_rel",
        column1="move_id",
        column2="payment_request_id",
        string="Payment Requests",
        copy=False,
        readonly=True,
    )
    payment_request_count = fields.Integer(compute="_compute_payment_request_count")

    @api.model_create_multi
    def create(self, vals_list):
        self.env["payment.request"]._check_link_fields(self, vals_list, self._get_payment_request_fields())
        return super().create(vals_list)

    def write(self, vals):
        self.env["payment.request"]._check_link_fields(self, [vals], self._get_payment_request_fields())
        return super().write(vals)

    @api.model
    def _get_payment_request_fields(self):
        """Return the fields payment_request adds to invoices: the server sets them."""
        return {"payment_request_ids", "payment_request_count"}

    @api.depends("payment_request_ids")
    def _compute_payment_request_count(self):
        for move in self:
            move.payment_request_count = len(move.payment_request_ids)

    def _post(self, soft=True):
        posted = super()._post(soft)
        invoices = posted.filtered(lambda move: move.move_type == "out_invoice")
        if invoices:
            invoices._link_payment_requests()
            invoices._reconcile_payment_requests()
        return posted

    def _is_payment_request_down_payment(self):
        """Tell whether this invoice bills only down payments of its orders
        (sale's down payment lines): it bills money received, not the order."""
        self.ensure_one()
        lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        return bool(lines) and all(
            line.sale_line_ids and all(line.sale_line_ids.mapped("is_downpayment")) for line in lines
        )

    def _get_order_payment_requests(self):
        """Return the requests of the orders this invoice bills that were
        sent to the customer (drafts and cancelled ones ask for nothing)."""
        orders = self.invoice_line_ids.sale_line_ids.order_id
        return orders.payment_request_ids.filtered(lambda r: r.state not in INACTIVE_STATES)

    def _link_payment_requests(self):
        """Link each invoice of a whole order to the requests of the orders it
        bills, however the invoice was made (our wizard, the order's button,
        a batch): it settles their money and asks what they still asked. A
        down payment invoice is linked to the requests whose money settles it
        (see ``_reconcile_payment_requests``): the order's other requests stay
        as they were."""
        for invoice in self:
            if invoice._is_payment_request_down_payment():
                continue
            requests = invoice._get_order_payment_requests() - invoice.payment_request_ids
            if requests:
                # sudo: the link is not the caller's choice: the requests are
                # those of the orders the posted invoice bills.
                invoice.sudo().payment_request_ids = [fields.Command.link(r.id) for r in requests]

    def _get_payment_request_credit_lines(self):
        """Return the open receivable credits of the money received for the
        invoice's requests, oldest first. A down payment invoice made for
        given requests takes their money only; one made on the order (sale's
        own wizard) takes the money of the order's requests."""
        self.ensure_one()
        requests = self.payment_request_ids
        if not requests or not self._is_payment_request_down_payment():
            requests |= self._get_order_payment_requests()
        lines = requests._get_outstanding_credit_lines()
        return lines.filtered(
            lambda line: line.partner_id.commercial_partner_id == self.commercial_partner_id
        ).sorted(lambda line: (line.date, line.id))

    def _reconcile_payment_requests(self):
        """Settle each invoice with the money already received for its
        requests, as the outstanding-credits widget would
        (``js_assign_outstanding_line``), but for all invoices in one
        reconciliation plan: the plan keeps the residuals of the lines it
        shares between invoices, so a credit larger than one invoice goes on
        to the next, and whatever is left stays open on the credit line.
        A down payment invoice is then linked to the requests whose money
        settled it."""
        plan = []
        for invoice in self:
            if invoice.payment_state in ("paid", "in_payment", "reversed"):
                continue
            credit_lines = invoice._get_payment_request_credit_lines()
            for account in credit_lines.account_id:
                lines = (invoice.line_ids | credit_lines).filtered(
                    lambda line, account=account: line.account_id == account and not line.reconciled
                )
                if lines & invoice.line_ids:
                    plan.append(lines)
        if plan:
            self.env["account.move.line"]._reconcile_plan(plan)
        self._link_settling_payment_requests()

    def _link_settling_payment_requests(self):
        """Link each down payment invoice to the requests whose money settles it."""
        for invoice in self:
            if not invoice._is_payment_request_down_payment():
                continue
            receivable = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
            credits = receivable.matched_credit_ids.credit_move_id
            requests = (credits.payment_id.payment_request_id | credits.payment_request_id) - (
                invoice.payment_request_ids
            )
            if requests:
                invoice.payment_request_ids = [fields.Command.link(r.id) for r in requests]

    def action_view_payment_requests(self):
        """Show the payment requests this invoice settles."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("payment_request.payment_request_action")
        action["domain"] = [("id", "in", self.payment_request_ids.ids)]
        action["context"] = {"create": False}
        if len(self.payment_request_ids) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.payment_request_ids.id
        return action
