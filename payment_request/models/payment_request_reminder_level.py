from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PaymentRequestReminderLevel(models.Model):
    _name = "payment.request.reminder.level"
    _description = "Payment Request Reminder Level"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    delay_days = fields.Integer(
        string="Delay (days)",
        required=True,
        default=7,
        help="For the first level, days after the due date; for the next ones, "
        "days after the previous reminder.",
    )
    mail_template_id = fields.Many2one(
        comodel_name="mail.template",
        required=True,
        domain=[("model", "=", "payment.request")],
    )

    @api.constrains("delay_days")
    def _check_delay_days(self):
        for level in self:
            if level.delay_days < 1:
                raise ValidationError(self.env._("A reminder level waits at least one day."))
