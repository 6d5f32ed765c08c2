"""pytest hooks of the harness (`make test`, which sets the rootdir here)."""

import os
import re

import pytest

# Skips that CI accepts, by their reason. Any other skipped test fails the run
# when CI is set (`.ci/run` sets it): a test skipped for a missing tool
# (wkhtmltopdf, hypothesis, pycoda, zbarimg, an importer or l10n_be not
# installed...) is not a passed test, and CI must never hide one.
ALLOWED_SKIPS = {
    # OCA publishes no 19.0 CODA importer (scripts/install_oca_addons.sh): the
    # CODA import tests of test_bank_import.py skip on 19.0, the CAMT ones run.
    "19.0 CODA imports": re.compile(r"^account_statement_import_coda: OCA publishes no 19\.0 CODA importer$"),
}


def ci_refuses_skips():
    """Whether a skipped test fails the run: CI=true (GitHub, GitLab and
    `.ci/run` set it)."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_reason(report):
    """The reason of a skipped test's report ("Skipped: " stripped)."""
    if isinstance(report.longrepr, tuple):
        reason = report.longrepr[2]
    else:
        reason = str(report.longrepr or "")
    return reason.removeprefix("Skipped: ")


def allowed_skip(reason):
    """The name of the allowed skip that ``reason`` is, or None."""
    return next((name for name, pattern in ALLOWED_SKIPS.items() if pattern.match(reason)), None)


# Seconds a tour waits for Chromium's DevTools port. Odoo waits 10 s, then
# skips the tour; Chromium's first start on a new machine (its profile and the
# font cache) has taken longer under CI's load, and CI refuses that skip.
CHROMIUM_START_SECONDS = 60


def give_chromium_time():
    """Let Odoo's browser wait CHROMIUM_START_SECONDS for Chromium to start
    (odoo.tests.common reads these module globals at each start)."""
    try:
        from odoo.tests import common
    except ImportError:
        return
    common.CHECK_BROWSER_ITERATIONS = round(CHROMIUM_START_SECONDS / common.CHECK_BROWSER_SLEEP)
    common.BROWSER_WAIT = CHROMIUM_START_SECONDS


def pytest_collectstart(collector):
    give_chromium_time()
    # account_reconcile_oca's models use fields.Serialized, which the core addon
    # base_sparse_field adds to odoo.fields when it is imported; pytest-odoo
    # loads the registry only after collecting the tests, so collecting that
    # addon's own test suite would fail without this. Odoo's addons path is
    # set by then (pytest-odoo reads the configuration first).
    try:
        import odoo.addons.base_sparse_field.models.fields  # noqa: F401
    except ImportError:
        # The harness's own tests (tests/) also run without Odoo's addons path.
        pass


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and ci_refuses_skips()) or hasattr(report, "wasxfail"):
        return
    reason = skip_reason(report)
    if allowed_skip(reason):
        return
    report.outcome = "failed"
    report.longrepr = (
        f"CI refuses this skip: {reason}\n"
        "Install what it names (make test installs every tool the tests need), "
        "or, if the skip is expected on this series, name it in ALLOWED_SKIPS in conftest.py."
    )
