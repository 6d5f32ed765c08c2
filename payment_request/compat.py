"""What differs between Odoo 18.0 and 19.0, in one place.

The addons serve both series from one code base. Every difference their code
meets is named here, once, so that the rest of the code reads as plain Odoo and
a later series means editing this file only. Each name says what it is for, not
which series it is. The differences that only the tests and benchmarks meet are
in ``tests/compat.py``.
"""

from odoo import models, release

__all__ = [
    "GROUPS",
    "IS_19",
    "JSONRPC",
    "commit_cron_progress",
    "sql_constraints",
]

#: Odoo 19.0 and later.
IS_19 = release.version_info[:2] >= (19, 0)

#: The groups of res.users, ir.actions.act_window and ir.actions.server
#: (groups_id on 18.0, group_ids on 19.0).
GROUPS = "group_ids" if IS_19 else "groups_id"
#: The route type of a JSON-RPC controller ("json" is a deprecated alias on 19.0).
JSONRPC = "jsonrpc" if IS_19 else "json"


def sql_constraints(*constraints):
    """Class decorator declaring ``(name, definition, message)`` SQL constraints.

    18.0 reads them from ``_sql_constraints``; 19.0 ignores that attribute (it
    only warns) and reads ``models.Constraint`` attributes named ``_<name>``.
    The database constraint is named ``<table>_<name>`` on both, so a database
    moved from 18.0 to 19.0 keeps it.
    """

    def decorate(cls):
        if IS_19:
            for name, definition, message in constraints:
                constraint = models.Constraint(definition, message)
                setattr(cls, f"_{name}", constraint)
                # setattr does not call __set_name__, which registers the
                # constraint on the model definition.
                constraint.__set_name__(cls, f"_{name}")
        else:
            cls._sql_constraints = list(constraints)
        return cls

    return decorate


def commit_cron_progress(env, done, remaining):
    """Report that a scheduled action's call did ``done`` records and leaves
    ``remaining``, so that the scheduler calls it again while some remain.

    19.0 commits the batch and its progress in ``_commit_progress`` (its
    ``_notify_progress`` logs a deprecation warning at every call); on 18.0
    ``_notify_progress`` writes the progress and the scheduler commits after
    the call. Call it only from a scheduler run (``ir_cron_progress_id`` in
    the context): outside one, 19.0 commits all the same.
    """
    if IS_19:
        env["ir.cron"]._commit_progress(done, remaining=remaining)
    else:
        env["ir.cron"]._notify_progress(done=done, remaining=remaining)
