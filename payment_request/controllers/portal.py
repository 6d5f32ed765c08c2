from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

PAGE_SIZE = 20


class PaymentRequestPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "payment_request_count" in counters:
            PaymentRequest = request.env["payment.request"]
            values["payment_request_count"] = (
                PaymentRequest.search_count(self._payment_request_domain())
                if PaymentRequest.has_access("read")
                else 0
            )
        return values

    def _payment_request_domain(self):
        partner = request.env.user.partner_id
        return [
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            ("state", "!=", "draft"),
        ]

    @http.route(
        ["/my/payment_requests", "/my/payment_requests/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_payment_requests(self, page=1, **kwargs):
        PaymentRequest = request.env["payment.request"]
        domain = self._payment_request_domain()
        pager = portal_pager(
            url="/my/payment_requests",
            total=PaymentRequest.search_count(domain),
            page=page,
            step=PAGE_SIZE,
        )
        payment_requests = PaymentRequest.search(
            domain, order="date_due desc, id desc", limit=PAGE_SIZE, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "payment_requests": payment_requests,
                "page_name": "payment_request",
                "pager": pager,
                "default_url": "/my/payment_requests",
            }
        )
        return request.render("payment_request.portal_my_payment_requests", values)

    @http.route(["/my/payment_requests/<int:request_id>"], type="http", auth="public", website=True)
    def portal_payment_request_page(
        self, request_id, access_token=None, report_type=None, download=False, **kw
    ):
        # Unknown ids, other customers' requests, bad tokens and drafts all
        # answer alike, as the sale portal does: nothing tells them apart.
        try:
            request_sudo = self._document_check_access(
                "payment.request", request_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if request_sudo.state == "draft":
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=request_sudo,
                report_type=report_type,
                report_ref="payment_request.action_report_payment_request",
                download=download,
            )
        values = self._get_page_view_values(
            request_sudo,
            access_token,
            {
                "payment_request": request_sudo,
                "page_name": "payment_request",
                "report_type": "html",
                "bank": request_sudo._get_bank_account(),
                "qr_code": request_sudo._get_epc_qr_code(),
                "payments": request_sudo._get_portal_payments(),
            },
            "my_payment_requests_history",
            False,
        )
        return request.render("payment_request.portal_payment_request_page", values)
