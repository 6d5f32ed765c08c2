from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..const import OUTSTANDING_STATES


class PaymentRequestReminderLevel(models.Model):
    """A step of the reminders: how long to wait, and which mail to send.

    Levels without a company are the defaults of every company (data of this
    addon, translated like any data); a company that has levels of its own
    uses only those."""

    _name = "payment.request.reminder.level"
    _description = "Payment Request Reminder Level"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
        help="Empty: a default level, for every company without levels of its own.",
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

    @api.model
    def _get_company_levels(self, company):
        """Return the levels that remind the customers of ``company``, in order."""
        return self.browse(self._get_company_level_ids(company.id))

    @tools.ormcache("company_id")
    def _get_company_level_ids(self, company_id):
        # sudo: the ids are cached for every user; which levels apply is
        # configuration, not data a user could be denied.
        levels = self.sudo().search([("company_id", "in", (company_id, False))])
        own = levels.filtered("company_id")
        return tuple((own or levels).ids)

    @api.model_create_multi
    def create(self, vals_list):
        levels = super().create(vals_list)
        self._levels_changed()
        return levels

    def write(self, vals):
        res = super().write(vals)
        self._levels_changed()
        return res

    def unlink(self):
        res = super().unlink()
        self._levels_changed()
        return res

    def _levels_changed(self):
        """Forget the cached levels and recompute when the open requests
        will be reminded next."""
        self.env.registry.clear_cache()
        requests = self.env["payment.request"].sudo().search([("state", "in", OUTSTANDING_STATES)])
        self.env.add_to_compute(requests._fields["next_reminder_date"], requests)
