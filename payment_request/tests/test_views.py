"""What a Belgian user reads on the lists, the request's form, the settings
and the request mail (issue 28, section 2: 2.5, 2.7, 2.8)."""

from lxml import etree

from odoo.tests import Form, tagged

from .common import PaymentRequestCommon

EMPTY_LIST_ACTIONS = (
    "payment_request.payment_request_action",
    "payment_request.payment_request_action_outstanding",
    "payment_request.account_bank_statement_line_action_payment_request",
)


@tagged("post_install", "-at_install")
class TestViewsInDutch(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("nl_BE")
        cls.env["ir.module.module"]._load_module_terms(
            ["base", "account", "sale", "payment", "payment_request"], ["nl_BE"], overwrite=True
        )
        cls.nl = cls.env(context=dict(cls.env.context, lang="nl_BE"))

    def arch(self, model, view_type, env=None):
        views = (env or self.env)[model].get_views([(False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_empty_lists_explain_in_dutch(self):
        """An empty list says what belongs in it, in Dutch, as Odoo's own
        lists do, and shows no sample rows (in "$") behind it."""
        dutch = {
            "payment_request.payment_request_action": "Vraag een klant om vooraf te betalen",
            "payment_request.payment_request_action_outstanding": "Geen betaalverzoek wacht op geld",
            "payment_request.account_bank_statement_line_action_payment_request": (
                "Geen bankverrichting om te koppelen"
            ),
        }
        for xmlid in EMPTY_LIST_ACTIONS:
            with self.subTest(action=xmlid):
                action = self.nl["ir.actions.act_window"]._for_xml_id(xmlid)
                self.assertIn("o_view_nocontent_smiling_face", action["help"])
                self.assertIn(dutch[xmlid], action["help"])
        for view_type in ("list", "kanban", "pivot", "graph"):
            with self.subTest(view_type=view_type):
                self.assertIsNone(self.arch("payment.request", view_type).get("sample"))

    def test_payments_tab_words(self):
        """The Betalingen tab: Betaalwijze for the method (the Betaling
        wizard's word), Status for the payment's state (not 18.0's
        "Provincie / Staat"), Richting for received or sent back."""
        form = self.arch("payment.request", "form", self.nl)
        (payments,) = form.xpath("//field[@name='payment_ids']/list")
        labels = {field.get("name"): field.get("string") for field in payments.iter("field")}
        self.assertEqual(labels["payment_method_line_id"], "Betaalwijze")
        self.assertEqual(labels["state"], "Status")
        self.assertEqual(labels["payment_type"], "Richting")
        register = self.arch("payment.request.register", "form", self.nl)
        self.assertEqual(
            self.nl["payment.request.register"]
            ._fields["payment_method_line_id"]
            .get_description(self.nl)["string"],
            "Betaalwijze",
        )
        self.assertTrue(register.xpath("//field[@name='payment_method_line_id']"))

    def test_mail_names_no_method_the_company_does_not_offer(self):
        """The request mail offers to pay online without naming Bancontact or
        cards, which the company may not offer."""
        provider = self.env.ref("payment.payment_provider_demo").sudo().copy({"company_id": self.company.id})
        journal = self.env["account.journal"].create(
            {"name": "Online payments", "code": "ONL", "type": "bank", "company_id": self.company.id}
        )
        provider.write({"state": "test", "is_published": True, "journal_id": journal.id})
        self.partner_a.lang = "nl_BE"
        request = self.create_request(amount=300.0, send=False)
        self.assertTrue(request._get_pay_online_url())
        action = request.action_send()
        composer = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertIn("Of betaal het online", composer.body)
        self.assertNotIn("Bancontact", composer.body)
