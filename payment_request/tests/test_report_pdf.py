"""The request PDF as the customer gets it: rendered by wkhtmltopdf for real
(test mode otherwise renders HTML), read back with pdftotext, and its EPC QR
code decoded from the page image with zbar."""

import shutil
import subprocess
import tempfile
from pathlib import Path
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools.misc import format_date, formatLang

from odoo.addons.mail.tests.common import MockEmail

from .common import PaymentRequestCommon

REPORT = "payment_request.action_report_payment_request"
# The QR image is scaled into the page; zbar reads it at some resolutions and
# not at others, so the page is tried at a few, in this order.
QR_RESOLUTIONS = (100, 72, 150, 200, 120)


def pdf_to_text(pdf):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def decode_qr_codes(pdf):
    """Return the payloads of the QR codes on the PDF's first page."""
    with tempfile.TemporaryDirectory() as tmp:
        for resolution in QR_RESOLUTIONS:
            prefix = Path(tmp) / f"page{resolution}"
            subprocess.run(
                ["pdftoppm", "-r", str(resolution), "-f", "1", "-l", "1", "-png", "-", str(prefix)],
                input=pdf,
                check=True,
            )
            image = next(Path(tmp).glob(f"page{resolution}*.png"))
            result = subprocess.run(
                ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                capture_output=True,
            )
            if result.returncode == 0 and result.stdout.strip():
                return result.stdout.decode()
    return ""


@tagged("post_install", "-at_install")
class TestRequestPdf(PaymentRequestCommon, HttpCase, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "name": "Schrijnwerkerij Test BV",
                "vat": "BE0477472701",
                "street": "Kortrijksesteenweg 112",
                "zip": "9000",
                "city": "Gent",
            }
        )

    def require_wkhtmltopdf(self):
        # The harness installs the PDF tools (scripts/ensure_system_packages.sh);
        # a plain Odoo runner may lack them. CI refuses these skips (conftest.py).
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            self.skipTest("missing tool: wkhtmltopdf (the PDF must be made for real)")

    def render_pdf(self, request):
        self.require_wkhtmltopdf()
        for tool in ("pdftotext", "pdftoppm", "zbarimg"):
            if not shutil.which(tool):
                self.skipTest(f"missing tool: {tool} (poppler-utils, zbar-tools)")
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, request.ids)
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    def test_pdf_has_selectable_text(self):
        """The customer copies the reference from the PDF: it is real text,
        with the seller's name, address, VAT number and IBAN in the page."""
        self.partner_a.lang = "en_US"
        en = self.env(context=dict(self.env.context, lang="en_US"))
        request = self.create_request(amount=300.0)
        text = pdf_to_text(self.render_pdf(request)).replace("\xa0", " ")
        self.assertIn(request.payment_reference, text)
        self.assertIn(request.name, text)
        self.assertIn(formatLang(en, 300.0, currency_obj=request.currency_id).replace("\xa0", " "), text)
        self.assertIn(format_date(en, request.date_due), text)
        self.assertIn("BE71 0961 2345 6769", text)
        self.assertIn("Schrijnwerkerij Test BV", text)
        self.assertIn("Kortrijksesteenweg 112", text)
        self.assertIn("BE0477472701", text)
        self.assertIn(self.partner_a.name, text)

    def test_pdf_epc_qr_code_decodes(self):
        """The EPC QR code on the page decodes to an EPC069-12 payload for
        what is due now."""
        request = self.create_request(amount=300.0)
        self.register_payment(request, amount=120.0)
        payload = decode_qr_codes(self.render_pdf(request))
        self.assertTrue(payload, "zbar found a QR code on the page")
        lines = payload.rstrip("\n").split("\n")
        self.assertEqual(lines[0], "BCD", "service tag")
        self.assertIn(lines[1], ("001", "002"), "version")
        self.assertEqual(lines[2], "1", "UTF-8")
        self.assertEqual(lines[3], "SCT", "SEPA credit transfer")
        self.assertEqual(lines[5], "Schrijnwerkerij Test BV", "beneficiary")
        self.assertEqual(lines[6], "BE71096123456769", "IBAN")
        self.assertEqual(lines[7], "EUR180.00", "the amount still due, in euro")
        self.assertEqual(lines[9], request.payment_reference, "the structured reference")

    def test_pdf_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("nl_BE")
        self.env["ir.module.module"]._load_module_terms(["payment_request"], ["nl_BE"], overwrite=True)
        self.partner_a.lang = "nl_BE"
        request = self.create_request(amount=300.0)
        text = pdf_to_text(self.render_pdf(request))
        self.assertIn("Betaalverzoek", text)
        self.assertIn("300,00", text)
        self.assertIn(request.payment_reference, text)

    def test_send_without_pdf_support(self):
        """A server without wkhtmltopdf still sends: no attachment, the
        chatter says why, and the form warns once."""
        self.require_wkhtmltopdf()  # for "with wkhtmltopdf back"
        request = self.create_request(amount=300.0, send=False)
        with patch.object(
            type(self.env["ir.actions.report"]), "get_wkhtmltopdf_state", return_value="install"
        ):
            self.assertTrue(request.pdf_unavailable)
            action = request.action_send()
            composer = self.env[action["res_model"]].with_context(**action["context"]).create({})
            with self.mock_mail_gateway():
                composer._action_send_mail()
        self.assertEqual(request.state, "sent")
        self.assertEqual(len(self._new_mails), 1, "the mail went out")
        message = request.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertFalse(
            message.attachment_ids.filtered(lambda a: a.name.startswith("Payment Request")),
            "no PDF attached",
        )
        note = request.message_ids.filtered(lambda m: "wkhtmltopdf" in (m.body or ""))
        self.assertEqual(len(note), 1, "the chatter says once why the PDF is missing")
        request.invalidate_recordset(["pdf_unavailable"])
        self.assertFalse(request.pdf_unavailable, "with wkhtmltopdf back, no warning")

    def test_reminder_without_pdf_support(self):
        self.company.payment_request_auto_reminder = True
        request = self.create_request(amount=300.0)
        with patch.object(
            type(self.env["ir.actions.report"]), "get_wkhtmltopdf_state", return_value="install"
        ):
            with self.mock_mail_gateway():
                request.action_send_reminder()
        self.assertEqual(request.reminder_count, 1, "the reminder went out")
        self.assertEqual(len(self._new_mails), 1)
        self.assertTrue(request.message_ids.filtered(lambda m: "wkhtmltopdf" in (m.body or "")))

    def test_portal_offers_no_pdf_without_pdf_support(self):
        self.require_wkhtmltopdf()  # the download offered with PDF support
        request = self.create_request(amount=300.0)
        url = request.get_portal_url()
        self.assertIn("o_payment_request_download", self.url_open(url).text)
        with patch.object(
            type(self.env["ir.actions.report"]), "get_wkhtmltopdf_state", return_value="install"
        ):
            page = self.url_open(url).text
        self.assertIn(request.payment_reference, page)
        self.assertNotIn("o_payment_request_download", page, "no download that would fail")
