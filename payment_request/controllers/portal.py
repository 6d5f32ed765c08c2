from werkzeug.exceptions import NotFound

from odoo import Command, http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request

from odoo.addons.payment.controllers import portal as payment_portal
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..compat import JSONRPC

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
                **self._get_payment_request_payment_values(request_sudo),
            },
            "my_payment_requests_history",
            False,
        )
        return request.render("payment_request.portal_payment_request_page", values)

    def _get_payment_request_payment_values(self, request_sudo, **kwargs):
        """Return the values of Odoo's payment form for what the request asks
        now, as sale's ``_get_payment_values`` does for an order; nothing when
        the request has nothing to be paid."""
        if not request_sudo._has_to_be_paid():
            return {"show_payment_form": False}
        # Money on its way (a payment the provider is processing) is not asked again.
        amount_in_progress = request_sudo._get_online_amount_in_progress()
        amount = request_sudo._get_online_amount_payable()
        if request_sudo.currency_id.compare_amounts(amount, 0.0) <= 0:
            return {"show_payment_form": False, "amount_in_progress": amount_in_progress}
        logged_in = not request.env.user._is_public()
        partner_sudo = request.env.user.partner_id if logged_in else request_sudo.partner_id
        company = request_sudo.company_id
        currency = request_sudo.currency_id
        availability_report = {}
        # sudo: the providers, methods and the customer's tokens are read to
        # show the form to a portal or public visitor, as sale does.
        providers_sudo = (
            request.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                company.id,
                partner_sudo.id,
                amount,
                currency_id=currency.id,
                report=availability_report,
                **kwargs,
            )
        )
        payment_methods_sudo = (
            request.env["payment.method"]
            .sudo()
            ._get_compatible_payment_methods(
                providers_sudo.ids,
                partner_sudo.id,
                currency_id=currency.id,
                report=availability_report,
                **kwargs,
            )
        )
        tokens_sudo = (
            request.env["payment.token"].sudo()._get_available_tokens(providers_sudo.ids, partner_sudo.id)
        )
        return {
            "show_payment_form": True,
            "company_mismatch": not payment_portal.PaymentPortal._can_partner_pay_in_company(
                partner_sudo, company
            ),
            "expected_company": company,
            "show_tokenize_input_mapping": payment_portal.PaymentPortal._compute_show_tokenize_input_mapping(
                providers_sudo
            ),
            "amount": amount,
            "amount_in_progress": amount_in_progress,
            "currency": currency,
            "partner_id": partner_sudo.id,
            "providers_sudo": providers_sudo,
            "payment_methods_sudo": payment_methods_sudo,
            "tokens_sudo": tokens_sudo,
            "availability_report": availability_report,
            "transaction_route": request_sudo.get_portal_url(suffix="/transaction"),
            "landing_route": request_sudo.get_portal_url(),
            "access_token": request_sudo._portal_ensure_token(),
        }


class PaymentRequestPaymentPortal(payment_portal.PaymentPortal):
    @http.route("/my/payment_requests/<int:request_id>/transaction", type=JSONRPC, auth="public")
    def portal_payment_request_transaction(self, request_id, access_token=None, **kwargs):
        """Create a draft transaction for the request's amount due and return
        its processing values. Refused when the request has nothing to be paid,
        or for more than it asks now, payments in progress counted."""
        # An unknown id, a bad token and a draft answer alike: nothing tells
        # them apart (the portal page does the same).
        try:
            request_sudo = self._document_check_access("payment.request", request_id, access_token)
        except (AccessError, MissingError) as error:
            raise ValidationError(request.env._("The access token is invalid.")) from error
        if not request_sudo.is_sent:
            raise ValidationError(request.env._("The access token is invalid."))
        if kwargs.get("is_validation"):
            # A request asks for money: saving a card without paying is not
            # something its link holder may do on the customer's behalf.
            raise ValidationError(request.env._("A payment request cannot be used to save a payment method."))
        # The transaction's create checks the amount again under the same lock.
        request_sudo._lock_for_payment()
        request_sudo._check_online_payment_amount(self._cast_as_float(kwargs.get("amount")))
        logged_in = not request.env.user._is_public()
        partner_sudo = request.env.user.partner_id if logged_in else request_sudo.partner_id
        self._validate_transaction_kwargs(kwargs)
        kwargs.update(
            {
                "partner_id": partner_sudo.id,
                "currency_id": request_sudo.currency_id.id,
                "is_validation": False,
            }
        )
        tx_sudo = self._create_transaction(
            custom_create_values={"payment_request_ids": [Command.set([request_sudo.id])]},
            **kwargs,
        )
        return tx_sudo._get_processing_values()

    @http.route()
    def payment_pay(self, *args, amount=None, payment_request_id=None, access_token=None, **kwargs):
        """Open a request's payment link (*Generate a Payment Link*) on the
        request's portal page, which asks what the request owes now: a link
        never stays payable for more, nor once the request is paid or cancelled.
        The link's token covers the request: it opens no other document."""
        payment_request_id = self._cast_as_int(payment_request_id)
        if not payment_request_id:
            return super().payment_pay(*args, amount=amount, access_token=access_token, **kwargs)
        # sudo: the link's access token, checked just below against the
        # request itself and the link's amount, is what grants access.
        request_sudo = request.env["payment.request"].sudo().browse(payment_request_id).exists()
        if (
            not request_sudo
            or not request_sudo._check_payment_link_access_token(access_token, self._cast_as_float(amount))
            # A draft or a cancelled request is not shown, and gets no portal token.
            or not request_sudo._can_have_payment_link()
        ):
            raise NotFound()
        return request.redirect(request_sudo.get_portal_url(anchor="payment_request_pay"))
