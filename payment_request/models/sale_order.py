from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    payment_request_ids = fields.One2many(
        comodel_name="payment.request",
        inverse_name="sale_order_id",
        string="Payment Requests",
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
        return super().write(vals)

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
        if requests:
            requests.write({"is_cancelled": True})
            for request in requests:
                request.message_post(
                    body=self.env._("Cancelled with order %(order)s.", order=request.sale_order_id.name)
                )
