from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.payment_request.const import PAYMENT_RECEIVED_STATES


class PaymentRequestAdvanceReport(models.Model):
    """The money received for payment requests, one row per receipt, with what
    posted invoices cover of it: the accountant's view of the Belgian
    invoice deadline of advance payments (the 15th of the next month)."""

    _name = "payment.request.advance.report"
    _description = "Advance Payments to Invoice"
    _auto = False
    _rec_name = "date"
    _order = "date desc, id desc"

    payment_request_id = fields.Many2one(comodel_name="payment.request", readonly=True)
    sale_order_id = fields.Many2one(comodel_name="sale.order", string="Order", readonly=True)
    partner_id = fields.Many2one(comodel_name="res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    move_line_id = fields.Many2one(comodel_name="account.move.line", string="Journal Item", readonly=True)
    date = fields.Date(string="Received On", readonly=True)
    invoice_deadline = fields.Date(readonly=True)
    amount_received = fields.Monetary(string="Received", readonly=True)
    amount_invoiced = fields.Monetary(string="Invoiced", readonly=True)
    amount_to_invoice = fields.Monetary(string="Still to Invoice", readonly=True)
    deadline_applies = fields.Boolean(
        string="Invoice Deadline Applies",
        readonly=True,
        help="The customer must be invoiced by the deadline under the company's setting.",
    )

    _depends = {
        "payment.request": ["sale_order_id", "commercial_partner_id", "user_id", "company_id"],
        "account.payment": ["payment_request_id", "state", "move_id"],
        "account.move": ["move_type", "state"],
        "account.move.line": ["payment_request_id", "balance", "date", "parent_state", "account_id"],
        "account.partial.reconcile": ["amount", "debit_move_id", "credit_move_id"],
        "res.company": ["payment_request_invoice_deadline_scope", "account_fiscal_country_id", "currency_id"],
        "res.country": ["code"],
        "res.partner": ["vat"],
    }

    @property
    def _table_query(self):
        # A receipt is a receivable item of a registered payment (inbound or a
        # refund) or of a linked bank transaction: the money received as
        # payment.request._get_money_received defines it; it is invoiced to the
        # extent that it is reconciled with posted customer invoices.
        return SQL(
            """
            WITH received AS (
                SELECT line.id, payment.payment_request_id AS request_id, line.date, line.balance
                  FROM account_payment payment
                  JOIN account_move_line line ON line.move_id = payment.move_id
                  JOIN account_account account ON account.id = line.account_id
                 WHERE payment.payment_request_id IS NOT NULL
                   AND payment.state IN %(payment_states)s
                   AND line.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                 UNION
                SELECT line.id, line.payment_request_id, line.date, line.balance
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
                 WHERE line.payment_request_id IS NOT NULL
                   AND line.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
            )
            SELECT received.id AS id,
                   received.id AS move_line_id,
                   request.id AS payment_request_id,
                   request.sale_order_id,
                   request.commercial_partner_id AS partner_id,
                   request.user_id,
                   request.company_id,
                   company.currency_id,
                   received.date,
                   (date_trunc('month', received.date) + interval '1 month 14 days')::date
                       AS invoice_deadline,
                   -received.balance AS amount_received,
                   COALESCE(invoiced.amount, 0.0) AS amount_invoiced,
                   -received.balance - COALESCE(invoiced.amount, 0.0) AS amount_to_invoice,
                   (country.code IS NOT DISTINCT FROM 'BE'
                    AND (company.payment_request_invoice_deadline_scope = 'all'
                         OR (company.payment_request_invoice_deadline_scope = 'vat_customers'
                             AND COALESCE(partner.vat, '') != ''))) AS deadline_applies
              FROM received
              JOIN payment_request request ON request.id = received.request_id
              JOIN res_company company ON company.id = request.company_id
              LEFT JOIN res_country country ON country.id = company.account_fiscal_country_id
              JOIN res_partner partner ON partner.id = request.commercial_partner_id
              LEFT JOIN LATERAL (
                    SELECT SUM(partial.amount) AS amount
                      FROM account_partial_reconcile partial
                      JOIN account_move_line invoice_line ON invoice_line.id = partial.debit_move_id
                      JOIN account_move invoice ON invoice.id = invoice_line.move_id
                     WHERE partial.credit_move_id = received.id
                       AND invoice.move_type = 'out_invoice'
                       -- 19.0 keeps a draft reset from posted matched to the money
                       AND invoice.state = 'posted'
                   ) invoiced ON TRUE
            """,
            payment_states=PAYMENT_RECEIVED_STATES,
        )
