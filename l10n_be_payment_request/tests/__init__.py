from . import test_structured_reference
from . import test_invoice_deadline
from . import test_country
from . import test_views
