from . import test_structured_reference
from . import test_payment_request
from . import test_send
from . import test_register_payment
from . import test_security
from . import test_invoice
from . import test_ui
