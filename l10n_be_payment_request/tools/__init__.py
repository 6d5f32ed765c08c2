from .structured_reference import OGM_BASE_OFFSET, format_ogm, ogm_check_digits
from .invoice_deadline import (
    advance_invoice_deadline,
    last_working_day_before,
    next_working_day_after,
)
