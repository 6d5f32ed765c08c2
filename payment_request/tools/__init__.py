from .structured_reference import (
    find_structured_references,
    format_rf,
    is_valid_ogm,
    is_valid_rf,
    normalize_reference,
)
