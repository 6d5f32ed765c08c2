"""Run ``odoo-bin`` with its arguments, for ``make reliability``.

The prefork server starts its gevent (long polling) process as
``python <this file> gevent ...``. gevent loads its own monkey-patching
plugins through ``pkg_resources``, whose copy in the harness venv
(setuptools < 70) cannot match gevent's ``zope.interface`` requirement with
the installed ``zope_interface`` wheel, so that process dies at import and is
started again, forever. The plugins are loaded here without that requirement
check; nothing else changes.
"""

import os

# As odoo-bin does, before anything imports the time module.
os.environ["TZ"] = "UTC"

import sys

import gevent.events


def notify_and_call_entry_points(event):
    gevent.events.notify(event)
    for plugin in gevent.events.iter_entry_points(event.ENTRY_POINT_NAME):
        plugin.resolve()(event)


gevent.events.notify_and_call_entry_points = notify_and_call_entry_points

if __name__ == "__main__":
    # As odoo-bin, but with this file as sys.argv[0]: the prefork server starts
    # its gevent process with it.
    sys.path.insert(0, os.environ.get("ODOO_HOME", "/opt/odoo/18.0"))
    # 19.0's odoo package no longer imports its cli: import it by name.
    import odoo.cli

    odoo.cli.main()
