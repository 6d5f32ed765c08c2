from odoo import http
from odoo.http import request

MAX_BODY = 4096


class PaymentRequestMollieController(http.Controller):
    @http.route(
        "/payment_request/mollie/webhook",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def mollie_webhook(self, **kwargs):
        """Mollie says a payment changed: fetch it from Mollie and sync.

        The posted data is never trusted: only the token finds the request,
        and only Mollie's own answer about the payment changes anything."""
        if (request.httprequest.content_length or 0) > MAX_BODY:
            return request.make_response("", status=413)
        token = request.httprequest.args.get("ref")
        mollie_id = request.httprequest.form.get("id")
        outcome = request.env["payment.request"]._mollie_process_webhook(token, mollie_id)
        if outcome == "retry":
            return request.make_response("", status=503)
        return request.make_response("", status=200)
