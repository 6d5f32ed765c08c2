from odoo import models


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    def _get_qr_code_generation_params(
        self, qr_method, amount, currency, debtor_partner, free_communication, structured_communication
    ):
        params = super()._get_qr_code_generation_params(
            qr_method, amount, currency, debtor_partner, free_communication, structured_communication
        )
        # The EPC069-12 guidelines ask for error-correction level M; Odoo's
        # default is L. Only our own QR codes change.
        if qr_method == "sct_qr" and self.env.context.get("payment_request_qr"):
            params["barLevel"] = "M"
            # Drawn at 128 px, a code of 40-odd modules is blurred by the
            # scaling and the JPEG compression of the PDF: banking apps and
            # zbar fail to read it. Drawn large and shown small, it stays sharp.
            params["width"] = params["height"] = 512
        return params
