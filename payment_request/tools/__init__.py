from .structured_reference import (
    find_structured_references,
    format_ogm,
    format_rf,
    is_valid_ogm,
    is_valid_rf,
    normalize_reference,
    ogm_check_digits,
)
from .invoice_deadline import (
    advance_invoice_deadline,
    last_working_day_before,
    next_working_day_after,
)
