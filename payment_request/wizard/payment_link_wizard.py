from odoo import models


class PaymentLinkWizard(models.TransientModel):
    _inherit = "payment.link.wizard"

    def _prepare_query_params(self, related_document):
        """Make a request's link name the request: the link opens the
        request's portal page, which asks what is due when it is opened."""
        params = super()._prepare_query_params(related_document)
        if self.res_model != "payment.request":
            return params
        return {
            "amount": self.amount,
            "access_token": self._prepare_access_token(),
            "payment_request_id": self.res_id,
        }
