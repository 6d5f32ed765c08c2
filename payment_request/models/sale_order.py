from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    payment_request_ids = fields.One2many(
        comodel_name="payment.request",
        inverse_name="sale_order_id",
        string="Payment Requests",
    )
    payment_request_plan_id = fields.Many2one(
        comodel_name="payment.request.plan",
        string="Payment Plan",
        compute="_compute_payment_request_plan_id",
        store=True,
        readonly=False,
        check_company=True,
        domain="[('company_id', 'in', (False, company_id))]",
        help="Ask the order's total in instalments, each a payment request of its own that goes "
        "out on its day. Applied by Apply Payment Plan, or when the order is confirmed.",
    )
    payment_request_count = fields.Integer(compute="_compute_payment_request_stats")
    payment_request_amount_residual = fields.Monetary(
        string="Payment Requests Due",
        compute="_compute_payment_request_stats",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["payment.request"]._check_link_fields(self, vals_list, self._get_payment_request_fields())
        return super().create(vals_list)

    def write(self, vals):
        self.env["payment.request"]._check_link_fields(self, [vals], self._get_payment_request_fields())
        if "payment_request_plan_id" in vals:
            changed = self.filtered(
                lambda order: order.payment_request_plan_id.id != vals["payment_request_plan_id"]
            )
            changed._remove_unsent_instalments()
        return super().write(vals)

    @api.depends("partner_id", "company_id")
    def _compute_payment_request_plan_id(self):
        for order in self:
            if order.state not in ("draft", "sent") or order.payment_request_ids:
                # The plan of an order under way changes only by hand.
                order.payment_request_plan_id = order.payment_request_plan_id
                continue
            partner = order.partner_id.commercial_partner_id.with_company(order.company_id)
            order.payment_request_plan_id = (
                partner.payment_request_plan_id or order.company_id.payment_request_plan_id
            )

    def action_confirm(self):
        result = super().action_confirm()
        # A default plan needs no click: confirming an order with a plan and
        # no requests applies it.
        self.filtered(
            lambda order: order.state == "sale"
            and order.payment_request_plan_id
            and not order.payment_request_ids.filtered(lambda r: not r.is_cancelled)
        )._apply_payment_request_plan()
        return result

    def action_apply_payment_request_plan(self):
        """Make one draft request per instalment of the order's payment plan;
        those due within the company's lead time go out at once."""
        self._apply_payment_request_plan()

    def _apply_payment_request_plan(self):
        Request = self.env["payment.request"]
        today = fields.Date.context_today(self)
        for order in self:
            plan = order.payment_request_plan_id
            if not plan:
                raise UserError(self.env._("Choose a payment plan for order %s first.", order.name))
            if order.state == "cancel":
                raise UserError(self.env._("Order %s is cancelled: no payment plan applies.", order.name))
            Request._check_order_writable(order)
            live = order.payment_request_ids.filtered(lambda r: not r.is_cancelled)
            sent = live.filtered(lambda r: not r._is_draft())
            if sent:
                raise UserError(
                    self.env._(
                        "Order %(order)s already has payment requests (%(requests)s): a payment plan "
                        "replaces only drafts. Cancel those requests first, or ask the rest by hand.",
                        order=order.name,
                        requests=", ".join(sent.mapped("name")),
                    )
                )
            order._check_payment_request_plan_amounts(plan)
            # sudo: the drafts asked nothing yet and the plan replaces them;
            # the caller may change the order (checked above).
            live.sudo().unlink()
            requests = Request
            for line in plan.line_ids.sorted():
                # One at a time: the balance asks what the instalments before
                # it left. sudo: the plan and its instalment are set by this
                # workflow only (the allowlist refuses them to users); the
                # caller may change the order (checked above), and the
                # requests follow its salesperson.
                vals = {**line._prepare_payment_request_vals(order, today), "plan_id": plan.id}
                requests |= Request.sudo().create(vals).sudo(False)
            send_until = today + timedelta(days=order.company_id.payment_request_plan_send_days)
            requests.filtered(lambda r, until=send_until: r.date_due <= until)._send_planned_batch()
            order.message_post(
                body=self.env._(
                    "Payment plan %(plan)s applied: %(count)s instalments.",
                    plan=plan.name,
                    count=len(requests),
                )
            )

    def _check_payment_request_plan_amounts(self, plan):
        """Refuse a plan whose instalments before the balance ask the whole
        order or more: the balance must ask something."""
        self.ensure_one()
        currency = self.currency_id
        total = self.amount_total
        asked = sum(
            currency.round(total * line.value / 100.0) if line.value_type == "percent" else line.value
            for line in plan.line_ids
            if line.value_type != "balance"
        )
        if currency.compare_amounts(total, 0.0) <= 0 or currency.compare_amounts(asked, total) >= 0:
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s asks %(asked)s before its balance, and order %(order)s "
                    "totals %(total)s: the balance would ask nothing. Choose another plan.",
                    plan=plan.name,
                    asked=currency.format(asked),
                    order=self.name,
                    total=currency.format(total),
                )
            )

    def _get_payment_request_instalments(self):
        """Return the instalments of the order's payment plan the customer
        sees in the portal: every one not cancelled, in order of due date."""
        return self.payment_request_ids.filtered(lambda r: r.plan_id and not r.is_cancelled).sorted(
            lambda r: (r.date_due, r.id)
        )

    def _remove_unsent_instalments(self):
        """Remove the drafts of the orders' payment plans (their plan is
        removed or replaced); sent instalments stay."""
        drafts = self.payment_request_ids.filtered(lambda r: r.plan_id and r._is_draft())
        # sudo: drafts of a plan asked nothing; the caller is changing the order.
        drafts.sudo().unlink()

    @api.model
    def _get_payment_request_fields(self):
        """Return the fields payment_request adds to orders: requests are made
        and changed in their own form, never through the order."""
        return {"payment_request_ids", "payment_request_count", "payment_request_amount_residual"}

    @api.depends("payment_request_ids.amount_due")
    def _compute_payment_request_stats(self):
        data = self.env["payment.request"]._read_group(
            [("sale_order_id", "in", self._origin.ids)],
            groupby=["sale_order_id"],
            aggregates=["__count"],
        )
        counts = {order.id: count for order, count in data}
        residuals = self.env["payment.request"]._read_group(
            [("sale_order_id", "in", self._origin.ids)],
            groupby=["sale_order_id"],
            aggregates=["amount_due:sum"],
        )
        due = {order.id: amount for order, amount in residuals}
        for order in self:
            order.payment_request_count = counts.get(order._origin.id, 0)
            order.payment_request_amount_residual = due.get(order._origin.id, 0.0)

    def _get_payment_request_amount_requested(self, excluded=None):
        """Return what the order's non-cancelled requests ask of it, but for
        the ``excluded`` request: the one formula of what the order already
        requested."""
        self.ensure_one()
        requests = self.payment_request_ids.filtered(lambda r: not r.is_cancelled)
        if excluded is not None:
            requests = requests.filtered(lambda r: r._origin != excluded._origin)
        return sum(request._get_order_share() for request in requests)

    def action_create_payment_request(self):
        """Open a new payment request for this order, pre-filled with what
        is still to be requested."""
        self.ensure_one()
        return {
            "name": self.env._("Payment Request"),
            "type": "ir.actions.act_window",
            "res_model": "payment.request",
            "view_mode": "form",
            "views": [(self.env.ref("payment_request.payment_request_view_form").id, "form")],
            "target": "current",
            "context": {
                "default_sale_order_id": self.id,
                "default_amount_type": "remaining",
            },
        }

    def action_view_payment_requests(self):
        """Show the payment requests of this order."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("payment_request.payment_request_action")
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {
            "default_sale_order_id": self.id,
            "default_amount_type": "remaining",
        }
        if self.payment_request_count == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.payment_request_ids.id
        return action

    def _get_payment_request_invoiceable_lines(self):
        """Return the order's lines a regular invoice would bill now (not its
        down payments): what sale's own Create Invoice would invoice."""
        self.ensure_one()
        return self._get_invoiceable_lines(final=True).filtered(
            lambda line: not line.is_downpayment and not line.display_type
        )

    def _action_cancel(self):
        """Cancel the order's requests with it: those that received nothing
        are cancelled, and the order stays as it is when one received money.
        Confirming the order again later does not revive them."""
        self._cancel_payment_requests()
        return super()._action_cancel()

    def _cancel_payment_requests(self):
        # sudo: the user may cancel the order (the caller's own right); its
        # requests follow the order, whoever their salesperson is.
        requests = self.sudo().payment_request_ids.filtered(lambda r: not r.is_cancelled)
        requests._lock_for_payment()
        blocking = requests.filtered(lambda r: r._get_live_invoices() or any(r._get_money_received()))
        if blocking:
            raise UserError(
                self.env._(
                    "The order cannot be cancelled: payment requests %(requests)s received money. "
                    "Cancel or refund their payments and unlink their bank transactions first.",
                    requests=", ".join(blocking.mapped("name")),
                )
            )
        for order, order_requests in requests.grouped("sale_order_id").items():
            order_requests._action_cancel(
                reason=self.env._("Cancelled with order %(order)s.", order=order.name)
            )
