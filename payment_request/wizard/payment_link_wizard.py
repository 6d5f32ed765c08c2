from odoo import models


class PaymentLinkWizard(models.TransientModel):
    _inherit = "payment.link.wizard"

    def _get_payment_request(self):
        """Return the request of this link, read as the user: who cannot read
        a request cannot make a link to it."""
        self.ensure_one()
        if self.res_model != "payment.request":
            return self.env["payment.request"]
        payment_request = self.env["payment.request"].browse(self.res_id).exists()
        payment_request.check_access("read")
        return payment_request

    def _compute_link(self):
        """A draft or a cancelled request gets no payment link."""
        links = self.browse()
        for wizard in self:
            if wizard.res_model != "payment.request":
                links |= wizard
                continue
            payment_request = wizard._get_payment_request()
            if not payment_request or not payment_request._can_have_payment_link():
                wizard.link = False
            else:
                links |= wizard
        return super(PaymentLinkWizard, links)._compute_link()

    def _prepare_query_params(self, related_document):
        """Make a request's link name the request: the link opens the
        request's portal page, which asks what is due when it is opened.
        Its customer and currency are the request's, never the wizard's."""
        params = super()._prepare_query_params(related_document)
        if self.res_model != "payment.request":
            return params
        return {
            "amount": self.amount,
            "access_token": self._prepare_access_token(),
            "payment_request_id": self.res_id,
        }

    def _prepare_access_token(self):
        """A request's link token covers the request and the amount, as
        Odoo's invoice links cover the invoice."""
        if self.res_model != "payment.request":
            return super()._prepare_access_token()
        return self._get_payment_request()._get_payment_link_access_token(self.amount)
