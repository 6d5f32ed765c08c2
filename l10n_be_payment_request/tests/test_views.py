"""What a Belgian user reads of the invoice deadline on the lists and in the
settings (issue 28, section 2)."""

from lxml import etree

from odoo.tests import tagged

from odoo.addons.payment_request.tests.common import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestViewsInDutch(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("nl_BE")
        cls.env["ir.module.module"]._load_module_terms(
            ["base", "account", "sale", "payment", "payment_request", "l10n_be_payment_request"],
            ["nl_BE"],
            overwrite=True,
        )
        cls.nl = cls.env(context=dict(cls.env.context, lang="nl_BE"))

    def arch(self, model, view_type, env=None):
        views = (env or self.env)[model].get_views([(False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_invoice_deadline_is_a_date(self):
        """The list shows the invoice deadline as a date: 19.0's
        remaining_days says "Volgend jaar" for a deadline in January."""
        (deadline,) = self.arch("payment.request", "list").xpath("//field[@name='invoice_deadline']")
        self.assertNotEqual(deadline.get("widget"), "remaining_days")

    def test_settings_one_block_each(self):
        """Dagen vooraf verwittigen (factuurtermijn) and Voorschotten
        automatisch factureren are settings of their own, laid out as Odoo's
        (no labels stacked in one column)."""
        settings = self.arch("res.config.settings", "form", self.nl)
        blocks = {}
        for name in ("payment_request_invoice_deadline_days", "payment_request_auto_invoice"):
            (field,) = settings.xpath(f"//field[@name='{name}']")
            (setting,) = field.xpath("ancestor::setting")
            blocks[name] = setting
            self.assertFalse(setting.xpath(".//label"), "no stacked label")
        self.assertNotEqual(*blocks.values())
        self.assertIn(
            "dagen voor de termijn", etree.tostring(blocks["payment_request_invoice_deadline_days"]).decode()
        )
        self.assertEqual(
            self.nl["res.config.settings"]
            ._fields["payment_request_auto_invoice"]
            .get_description(self.nl)["string"],
            "Voorschotten automatisch factureren",
        )
