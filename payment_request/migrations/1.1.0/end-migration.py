"""The invoice deadline of advance payments is Belgian (issue 26): once
l10n_be_payment_request has taken it over (pre-migration.py), the requests
of a company whose fiscal country is not Belgium lose the deadline the
earlier version gave them, so that the daily cron gives no activity and
makes no invoice for them. Their money received and what is still to
invoice (amount_uninvoiced) stay as they are."""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'payment_request' AND column_name = 'invoice_deadline'
        """
    )
    if not cr.fetchone():
        return
    cr.execute(
        """
        UPDATE payment_request request
           SET invoice_deadline = NULL
          FROM res_company company
          LEFT JOIN res_country country ON country.id = company.account_fiscal_country_id
         WHERE company.id = request.company_id
           AND request.invoice_deadline IS NOT NULL
           AND country.code IS DISTINCT FROM 'BE'
        """
    )
    _logger.info("payment_request: %s non-Belgian requests lost their invoice deadline", cr.rowcount)
