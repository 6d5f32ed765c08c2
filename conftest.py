"""pytest hooks of the harness (`make test`, which sets the rootdir here)."""


def pytest_collectstart(collector):
    # account_reconcile_oca's models use fields.Serialized, which the core addon
    # base_sparse_field adds to odoo.fields when it is imported; pytest-odoo
    # loads the registry only after collecting the tests, so collecting that
    # addon's own test suite would fail without this. Odoo's addons path is
    # set by then (pytest-odoo reads the configuration first).
    import odoo.addons.base_sparse_field.models.fields  # noqa: F401
