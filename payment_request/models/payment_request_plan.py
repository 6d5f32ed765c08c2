from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

# How each instalment's amount is asked, as a payment request's amount type:
# drafts follow the order's total, sent instalments keep their amount.
AMOUNT_TYPES = {"percent": "percentage", "fixed": "fixed", "balance": "remaining"}


class PaymentRequestPlan(models.Model):
    _name = "payment.request.plan"
    _description = "Payment Plan"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        help="Leave empty to offer the plan to every company.",
    )
    line_ids = fields.One2many(
        comodel_name="payment.request.plan.line",
        inverse_name="plan_id",
        string="Instalments",
        copy=True,
    )

    @api.constrains("line_ids")
    def _check_lines(self):
        for plan in self:
            lines = plan.line_ids.sorted()
            balances = lines.filtered(lambda line: line.value_type == "balance")
            if len(balances) != 1 or lines[-1:] != balances:
                raise ValidationError(
                    self.env._(
                        "Payment plan %(plan)s needs exactly one Balance instalment, the last one: "
                        "it asks the rest of the order.",
                        plan=plan.name,
                    )
                )
            percent = sum(lines.filtered(lambda line: line.value_type == "percent").mapped("value"))
            if float_compare(percent, 100.0, precision_digits=2) >= 0:
                raise ValidationError(
                    self.env._(
                        "The percentages of payment plan %(plan)s add up to %(percent)s %%: they must "
                        "stay under 100 %%, the Balance instalment asks the rest.",
                        plan=plan.name,
                        percent=round(percent, 2),
                    )
                )


class PaymentRequestPlanLine(models.Model):
    _name = "payment.request.plan.line"
    _description = "Payment Plan Instalment"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        comodel_name="payment.request.plan",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="plan_id.company_id")
    sequence = fields.Integer(default=10)
    value_type = fields.Selection(
        selection=[
            ("percent", "Percentage of the order"),
            ("fixed", "Fixed amount"),
            ("balance", "Balance"),
        ],
        string="Amount Type",
        required=True,
        default="percent",
    )
    value = fields.Float(
        digits=(16, 2),
        help="The percentage of the order's total (taxes included), or the fixed amount in the "
        "order's currency. The Balance instalment asks the rest.",
    )
    days = fields.Integer(
        string="Due After (days)",
        help="The instalment is due this many days after the plan is applied.",
    )

    @api.constrains("value_type", "value", "days")
    def _check_value(self):
        for line in self:
            if line.value_type != "balance" and float_compare(line.value, 0.0, precision_digits=2) <= 0:
                raise ValidationError(
                    self.env._("An instalment of a payment plan asks an amount above zero.")
                )
            if line.days < 0:
                raise ValidationError(self.env._("An instalment cannot be due before the plan is applied."))

    def _prepare_payment_request_vals(self, order, today):
        """Return the values of the draft request of this instalment for
        ``order``, applied on ``today``."""
        self.ensure_one()
        vals = {
            "sale_order_id": order.id,
            "plan_line_id": self.id,
            "amount_type": AMOUNT_TYPES[self.value_type],
            "date": today,
            "date_due": fields.Date.add(today, days=self.days),
        }
        if self.value_type == "percent":
            vals["percentage"] = self.value
        elif self.value_type == "fixed":
            vals["amount"] = order.currency_id.round(self.value)
        return vals
