from . import test_reconcile_widget
from . import test_auto_link
from . import test_ui
