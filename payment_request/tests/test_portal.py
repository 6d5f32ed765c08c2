from odoo.tests import HttpCase, tagged

from .common import PaymentRequestCommon


@tagged("post_install", "-at_install")
class TestPortal(PaymentRequestCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create(
            {"name": "Contact of A", "parent_id": cls.partner_a.id, "email": "contact@a.example.com"}
        )
        cls.portal_user = cls.new_user("pr_portal_web", "base.group_portal", partner_id=cls.contact.id)
        cls.request_a = cls.create_request(amount=300.0)
        cls.order_b = cls.create_order(cls.partner_b, 100.0)
        cls.request_b = cls.create_request(order=cls.order_b, amount=60.0)

    def test_portal_list_shows_own_requests_only(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open("/my/payment_requests")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.request_a.name, response.text)
        self.assertNotIn(self.request_b.name, response.text)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["payment_request_count"]})
        self.assertEqual(counters["payment_request_count"], 1)

    def test_detail_page_by_token_without_login(self):
        self.register_payment(self.request_a, amount=100.0)
        response = self.url_open(self.request_a.get_portal_url())
        self.assertEqual(response.status_code, 200)
        page = response.text
        for expected in (
            self.request_a.name,
            self.request_a.payment_reference,
            "BE71 0961 2345 6769",
            self.order.name,
            "o_payment_request_qr",
            "data:image/png;base64",
            "o_payment_request_payments",
            self.bank_journal.name,
        ):
            self.assertIn(expected, page)
        self.assertIn("200.00", page, "the residual")
        pdf = self.url_open(self.request_a.get_portal_url(report_type="pdf", download=True))
        self.assertEqual(pdf.status_code, 200)

    def assert_redirected_to_my(self, url):
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"), response.headers["Location"])
        self.assertNotIn(self.request_a.payment_reference, response.text)
        self.assertNotIn(self.request_b.payment_reference, response.text)

    def test_wrong_token_and_other_customer(self):
        # As the sale portal: a bad token and an unknown id look the same.
        self.assert_redirected_to_my(f"/my/payment_requests/{self.request_a.id}?access_token=wrong")
        self.assert_redirected_to_my("/my/payment_requests/999999?access_token=wrong")
        self.authenticate(self.portal_user.login, self.portal_user.login)
        self.assert_redirected_to_my(f"/my/payment_requests/{self.request_b.id}")
        response = self.url_open(f"/my/payment_requests/{self.request_a.id}")
        self.assertEqual(response.status_code, 200)

    def test_draft_is_not_shown(self):
        draft = self.create_request(amount=10.0, send=False)
        draft._portal_ensure_token()
        self.assert_redirected_to_my(draft.get_portal_url())

    def test_other_request_of_a_down_payment_invoice_still_asks(self):
        """A down payment invoice of one request: the order's other request
        keeps its portal payment form and its amount due."""
        self.register_payment(self.request_a)
        waiting = self.create_request(amount=500.0)
        self.invoice_requests(self.request_a, mode="down_payment")
        self.assertEqual(waiting.state, "sent")
        page = self.url_open(waiting.get_portal_url()).text
        self.assertIn("o_payment_request_pay_now", page, "the payment form")
        self.assertIn("o_payment_request_qr", page)
        self.assertIn("500.00", page)
        self.assertNotIn("o_payment_request_invoice_asking", page)

    def test_request_taken_over_by_the_invoice_links_it(self):
        """An invoice of the whole order asks what the request asked: its
        portal page has no payment form and sends the customer to the
        invoice's own portal page."""
        self.register_payment(self.request_a, amount=100.0)
        invoice = self.order._create_invoices()
        invoice.action_post()
        self.assertEqual(self.request_a.state, "done")
        self.assertEqual(self.request_a.invoice_asking_id, invoice)
        response = self.url_open(self.request_a.get_portal_url())
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertNotIn("o_payment_request_pay_now", page)
        self.assertNotIn("o_payment_request_qr", page, "no transfer asked for the request any more")
        self.assertIn("o_payment_request_invoice_asking", page)
        self.assertIn(invoice.name, page)
        invoice_url = f"/my/invoices/{invoice.id}?access_token={invoice.access_token}"
        self.assertIn(f'href="{invoice_url}"', page)
        # The link opens the invoice for the customer, who pays it there.
        invoice_page = self.url_open(invoice_url)
        self.assertEqual(invoice_page.status_code, 200)
        self.assertIn(invoice.name, invoice_page.text)
