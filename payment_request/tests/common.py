from odoo import Command
from odoo.tests import Form, new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.payment_request.tests.compat import SALE_LINE_TAXES


class PaymentRequestCommon(AccountTestInvoicingCommon):
    """A Belgian company with an IBAN on its bank journal, a customer and
    a confirmed order of 1,000.00 + 21% VAT = 1,210.00."""

    @classmethod
    def default_env_context(cls):
        # Mails and the chatter are part of what we test.
        return {}

    @classmethod
    @AccountTestInvoicingCommon.setup_country("be")
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.email = "accounting@company.example.com"
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.cash_journal = cls.company_data["default_journal_cash"]
        cls.company_bank = cls.env["res.partner.bank"].create(
            {
                "acc_number": "BE71 0961 2345 6769",
                "partner_id": cls.company.partner_id.id,
                "allow_out_payment": True,
            }
        )
        cls.bank_journal.bank_account_id = cls.company_bank
        cls.partner_a.email = "partner_a@customer.example.com"
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.tax_21 = cls.env["account.tax"].create(
            {"name": "VAT 21%", "amount": 21.0, "amount_type": "percent", "type_tax_use": "sale"}
        )
        cls.product_a.invoice_policy = "order"
        cls.order = cls.create_order(cls.partner_a, 1000.0)

    @classmethod
    def create_order(cls, partner, price_unit, confirm=True, **vals):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product_a.id,
                            "product_uom_qty": 1.0,
                            "price_unit": price_unit,
                            SALE_LINE_TAXES: [Command.set(cls.tax_21.ids)],
                        }
                    )
                ],
                **vals,
            }
        )
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def create_request(cls, order=None, amount=300.0, send=True, **vals):
        request = cls.env["payment.request"].create(
            {"sale_order_id": (order or cls.order).id, "amount": amount, **vals}
        )
        if send:
            request.action_mark_sent()
        return request

    def create_company_request(self, company, amount, partner_vals=None):
        """A request of ``amount`` on a new order of ``company`` (another
        company than the test's), for a new customer of that company."""
        partner = self.env["res.partner"].create(
            {"name": "Klant", "company_id": company.id, **(partner_vals or {})}
        )
        order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product_a.id, "price_unit": 100.0, SALE_LINE_TAXES: False}
                        )
                    ],
                }
            )
        )
        request = (
            self.env["payment.request"]
            .with_company(company)
            .create({"sale_order_id": order.id, "amount": amount})
        )
        self.assertEqual(request.company_id, company)
        return request

    def register_payment(self, request, amount=None, journal=None, note=None, user=None):
        """Drive the green button's wizard as a user would."""
        action = request.with_user(user or self.env.user).action_register_payment()
        wizard_form = Form(
            self.env[action["res_model"]].with_user(user or self.env.user).with_context(**action["context"])
        )
        if journal:
            wizard_form.journal_id = journal
        if amount is not None:
            wizard_form.amount = amount
        if note:
            wizard_form.note = note
        wizard = wizard_form.save()
        wizard.action_register_payment()
        return request.payment_ids.sorted("id")[-1:]

    @classmethod
    def new_user(cls, login, groups, company=None, **kwargs):
        company = company or cls.company
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            **kwargs,
        )

    def invoice_requests(self, requests, mode="regular", post=True):
        """Drive Create Invoice (Document maken > Factuur) as a user would."""
        action = requests.action_create_invoice()
        wizard_form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard_form.invoice_mode = mode
        wizard_form.post_invoice = post
        result = wizard_form.save().action_create_invoices()
        if result.get("res_id"):
            return self.env["account.move"].browse(result["res_id"])
        return self.env["account.move"].search(result["domain"], order="id")

    def receivable_lines(self, request):
        return request.payment_ids.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
