from . import test_mollie_sync
