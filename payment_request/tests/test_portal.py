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
