from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    payment_request_invoice_deadline_scope = fields.Selection(
        selection=[
            ("vat_customers", "Customers with a VAT number"),
            ("all", "All customers"),
            ("none", "Nobody"),
        ],
        string="Invoice deadline of advance payments",
        default="vat_customers",
        required=True,
        help="Whose advance payments must be invoiced by the 15th of the month after the money "
        "arrived (Belgian VAT: WBTW art. 17 §1 and art. 22bis, KB nr. 1 as amended by the KB of "
        "18 December 2015).",
    )
    payment_request_invoice_deadline_days = fields.Integer(
        string="Invoice deadline warning days",
        default=5,
        help="Days before the invoice deadline of an advance payment at which the salesperson "
        "gets an activity to invoice it.",
    )
    payment_request_auto_invoice = fields.Boolean(
        string="Invoice advance payments automatically",
        help="On the last working day before the invoice deadline, create and post a down payment "
        "invoice for the money received and not invoiced yet.",
    )

    def _is_payment_request_belgian(self):
        """Tell whether the Belgian rules (invoice deadline of advance
        payments, OGM references) apply: the company's fiscal country is
        Belgium."""
        self.ensure_one()
        return self.account_fiscal_country_id.code == "BE"
