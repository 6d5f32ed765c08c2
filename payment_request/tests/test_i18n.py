import os

import polib

from odoo.tests import BaseCase, Form, tagged

from .common import PaymentRequestCommon

I18N = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "i18n")


@tagged("post_install", "-at_install")
class TestTranslationFiles(BaseCase):
    def test_nl_and_fr_translate_every_msgid(self):
        template = polib.pofile(os.path.join(I18N, "payment_request.pot"))
        msgids = {entry.msgid for entry in template if entry.msgid}
        self.assertGreater(len(msgids), 100)
        for lang in ("nl", "fr"):
            po = polib.pofile(os.path.join(I18N, f"{lang}.po"))
            translated = {
                entry.msgid
                for entry in po
                if entry.msgstr.strip() and "fuzzy" not in entry.flags and not entry.obsolete
            }
            with self.subTest(lang=lang):
                self.assertEqual(sorted(msgids - translated), [], f"{lang}.po lacks translations")

    def test_belgian_wording(self):
        nl = {entry.msgid: entry.msgstr for entry in polib.pofile(os.path.join(I18N, "nl.po"))}
        fr = {entry.msgid: entry.msgstr for entry in polib.pofile(os.path.join(I18N, "fr.po"))}
        self.assertEqual(nl["Payment Request"], "Betaalverzoek")
        self.assertEqual(nl["Register Payment"], "Betaling registreren")
        self.assertEqual(nl["Outstanding"], "Openstaande betaalverzoeken")
        self.assertEqual(nl["Send automatic reminders"], "Automatische herinneringen verzenden")
        self.assertEqual(nl["Done"], "Afgewerkt")
        self.assertEqual(fr["Payment Request"], "Demande de paiement")
        self.assertEqual(fr["Register Payment"], "Enregistrer le paiement")


@tagged("post_install", "-at_install")
class TestDutch(PaymentRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("nl_BE")
        cls.env["ir.module.module"]._load_module_terms(["payment_request"], ["nl_BE"], overwrite=True)
        cls.partner_a.lang = "nl_BE"

    def test_mail_and_pdf_in_dutch(self):
        request = self.create_request(amount=300.0, send=False)
        action = request.action_send()
        composer = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertIn("Betaalverzoek", composer.subject)
        self.assertIn("gestructureerde mededeling", composer.body)
        self.assertIn(request.payment_reference, composer.body)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("payment_request.action_report_payment_request", request.ids)[0]
            .decode()
        )
        self.assertIn("Betaalverzoek", html)
        self.assertIn("Vervaldatum", html)
        self.assertNotIn("Due Date", html)
