"""The request PDF as the customer gets it: rendered by wkhtmltopdf for real
(test mode otherwise renders HTML), read back with pdftotext, and its EPC QR
code decoded from the page image with zbar."""

import base64
import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from unittest.mock import patch
from xml.etree import ElementTree

from PIL import Image

from odoo.tests import HttpCase, tagged
from odoo.tools.misc import format_date, formatLang

from odoo.addons.mail.tests.common import MockEmail

from .common import PaymentRequestCommon

REPORT = "payment_request.action_report_payment_request"
# The QR image is scaled into the page; zbar reads it at some resolutions and
# not at others, so the page is tried at a few, in this order.
QR_RESOLUTIONS = (100, 72, 150, 200, 120)
ZBAR_NS = "{http://zbar.sourceforge.net/2008/barcode}"


def pdf_to_text(pdf):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def decode_qr_codes(pdf, expected=1):
    """Return the payloads of the QR codes zbar reads on the PDF's first
    page, trying the page at a few resolutions until it has read
    ``expected`` different codes."""
    found = []
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
                ["zbarimg", "--quiet", "--xml", "-Sdisable", "-Sqrcode.enable", str(image)],
                capture_output=True,
            )
            if result.returncode != 0:
                continue
            # One <symbol> per code: an EPC payload holds line breaks itself.
            root = ElementTree.fromstring(result.stdout)
            for data in root.iter(f"{ZBAR_NS}data"):
                payload = data.text
                if data.get("format") == "base64":
                    payload = base64.b64decode(payload).decode()
                if payload not in found:
                    found.append(payload)
            if len(found) >= expected:
                break
    return found


def epc_payload(payloads):
    """Return the EPC payload among the codes read, or an empty string."""
    return next((payload for payload in payloads if payload.startswith("BCD\n")), "")


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
        payload = epc_payload(decode_qr_codes(self.render_pdf(request)))
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

    def test_pdf_logo_link_iban_and_both_qr_codes(self):
        """With a payment provider enabled, the page carries both QR codes,
        which zbar reads from the page image: the EPC transfer and the
        pay-online link. The link prints on one short line, the IBAN on one
        line, and Odoo's "Your logo" placeholder is not printed."""
        journal = self.env["account.journal"].create(
            {"name": "Online payments", "code": "ONL", "type": "bank", "company_id": self.company.id}
        )
        provider = self.env.ref("payment.payment_provider_demo").sudo().copy({"company_id": self.company.id})
        provider.write({"state": "test", "is_published": True, "journal_id": journal.id})
        self.partner_a.lang = "en_US"
        request = self.create_request(amount=300.0)
        url = request._get_pay_online_url()
        self.assertIn("access_token=", url)
        self.assertTrue(self.company.uses_default_logo)
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, request.ids)[0].decode()
        self.assertNotIn("o_payment_request_logo", html, "no placeholder logo")
        pdf = self.render_pdf(request)

        payloads = decode_qr_codes(pdf, expected=2)
        self.assertEqual(len(payloads), 2, f"zbar reads both QR codes: {payloads}")
        self.assertEqual(epc_payload(payloads).split("\n")[9], request.payment_reference)
        self.assertIn(url, payloads, "the pay-online code opens the request's payment page")

        lines = pdf_to_text(pdf).replace("\xa0", " ").splitlines()
        short_url = f"/my/payment_requests/{request.id}"
        online = [line for line in lines if "Or pay online" in line]
        self.assertEqual(len(online), 1, "the pay-online sentence is one line")
        self.assertIn(short_url, online[0])
        self.assertNotIn("access_token", pdf_to_text(pdf))
        self.assertTrue(
            [line for line in lines if "BE71 0961 2345 6769" in line], "the IBAN is whole on one line"
        )
        self.assertFalse([line for line in lines if line.rstrip().endswith("BE71 0961")])

        # A real logo is printed.
        logo = io.BytesIO()
        Image.new("RGB", (40, 20), (122, 78, 40)).save(logo, format="PNG")
        self.company.logo = base64.b64encode(logo.getvalue())
        self.assertFalse(self.company.uses_default_logo)
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, request.ids)[0].decode()
        self.assertIn("o_payment_request_logo", html)
