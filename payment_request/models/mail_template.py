from odoo import models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _generate_template_attachments(self, res_ids, render_fields, render_results=None):
        # A payment request mail still goes out when the server cannot make
        # PDFs (no wkhtmltopdf): without the PDF, and the chatter says why.
        if (
            self.model == "payment.request"
            and "report_template_ids" in render_fields
            and not self.env["payment.request"]._can_render_pdf()
        ):
            render_fields = [field for field in render_fields if field != "report_template_ids"]
        return super()._generate_template_attachments(res_ids, render_fields, render_results=render_results)
