"""Benchmarks of payment_request against Odoo's own equivalent operations.

Usage (see README.md)::

    .venv/bin/python benchmarks/run.py --config .build/odoo.conf --database payment_request_bench

The database must have ``payment_request`` and ``l10n_be`` installed. The
script adds a Belgian company with its chart of accounts (committed: the
database is a throwaway one), then runs each benchmark in its own
transaction and rolls it back. It prints one markdown table, the machine
facts and the details that explain the figures.
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api

HERE = Path(__file__).resolve().parent

# Sizes that fit the whole `make bench` in about ten minutes on 2 cores.
DEFAULT_SIZES = {
    "register_single": 5,
    "register_batch": 200,
    "invoice": 200,
    "reminders": 200,
    "reminders_scale": (200, 2000),
    "matching": ((200, 20000), (400, 40000)),
    "outstanding": 100000,
    "deadline_scale": (200, 1000),
    "plan_apply": 200,
    "plan_send": (40, 400),
}
# A smoke test of the script itself, in a minute or two; the figures mean little.
QUICK_SIZES = {
    "register_single": 2,
    "register_batch": 10,
    "invoice": 10,
    "reminders": 10,
    "reminders_scale": (10, 40),
    "matching": ((10, 1000), (20, 2000)),
    "outstanding": 10000,
    "deadline_scale": (10, 40),
    "plan_apply": 10,
    "plan_send": (20, 80),
}
# The sizes of the issue; an hour or more on 2 cores.
FULL_SIZES = {
    **DEFAULT_SIZES,
    "reminders": 5000,
    "reminders_scale": (500, 5000),
    "matching": ((2000, 20000), (4000, 40000)),
    "deadline_scale": (1000, 5000),
    "plan_apply": 1000,
    "plan_send": (500, 5000),
}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file (addons path)")
    parser.add_argument("--database", required=True, help="throwaway database with payment_request installed")
    parser.add_argument("--only", help="comma-separated benchmark numbers, e.g. 1,2,4b")
    sizes = parser.add_mutually_exclusive_group()
    sizes.add_argument("--full", action="store_true", help="the issue's sizes; takes an hour or more")
    sizes.add_argument("--quick", action="store_true", help="tiny sizes, to check the script itself")
    parser.add_argument("--log-level", default="warn", help="Odoo log level (default: warn)")
    return parser.parse_args(argv)


def progress(message):
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def machine_facts(env):
    cpu_model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    env.cr.execute("SHOW server_version")
    postgres = env.cr.fetchone()[0]
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    try:
        commit = subprocess.run(
            ["git", "-C", str(HERE.parent), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = "unknown"
    return [
        ("date", f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"),
        ("nproc", nproc or str(os.cpu_count())),
        ("CPU", cpu_model),
        ("PostgreSQL", postgres),
        ("Python", platform.python_version()),
        ("Odoo", odoo.release.version),
        ("payment_request", f"git {commit}"),
        ("load average at start", " ".join(f"{load:.2f}" for load in os.getloadavg())),
    ]


def render_html_instead_of_pdf(registry):
    """Render report attachments as HTML, as Odoo's own tests do: this
    machine may lack wkhtmltopdf, and both sides of a comparison render the
    same report anyway."""
    report = registry["ir.actions.report"]

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        return self._render_qweb_html(report_ref, res_ids, data=data)

    report._render_qweb_pdf = _render_qweb_pdf


def fmt(value, digits=1):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def render_table(rows):
    header = (
        "| # | Benchmark | Size | Queries/record | Odoo queries/record | ms/record | Odoo ms/record "
        "| Time ratio | Target | Target met? |"
    )
    lines = [header, "|---|---|---|--:|--:|--:|--:|--:|---|---|"]
    for row in rows:
        if row.met is None:
            met = "—"
        elif row.met:
            met = "yes"
        else:
            met = f"**no**: {row.why}" if row.why else "**no**"
        lines.append(
            f"| {row.number} | {row.name} | {row.size} | {fmt(row.queries)} | {fmt(row.baseline_queries)} "
            f"| {fmt(row.ms)} | {fmt(row.baseline_ms)} | {fmt(row.ratio, 2)} | {row.target or '—'} | {met} |"
        )
    return lines


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, f"--log-level={args.log_level}"], setup_logging=True
    )
    # The benchmark modules import odoo.addons.payment_request: the addons
    # path must be set up first.
    sys.path.insert(0, str(HERE.parent))
    from benchmarks import cases, fixtures
    from benchmarks.probe import vacuum

    sizes_name = "full" if args.full else "quick" if args.quick else "default"
    sizes = {"full": FULL_SIZES, "quick": QUICK_SIZES, "default": DEFAULT_SIZES}[sizes_name]
    selected = [name for name, _function in cases.BENCHMARKS]
    if args.only:
        selected = [name.strip() for name in args.only.split(",")]
    registry = odoo.modules.registry.Registry(args.database)
    render_html_instead_of_pdf(registry)
    started = time.perf_counter()

    progress("setting up the Belgian company (committed into the throwaway database)")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company_id = fixtures.ensure_company(env).id
        admin_id = env.ref("base.user_admin").id
        facts = machine_facts(env)
        cr.commit()

    rows, details, durations = [], [], []
    for name, function in cases.BENCHMARKS:
        if name not in selected:
            continue
        vacuum(args.database)
        progress(f"benchmark {name}: {function.__name__}")
        start = time.perf_counter()
        with registry.cursor() as cr:
            env = api.Environment(
                cr,
                admin_id,
                {"allowed_company_ids": [company_id], "lang": "en_US", "tz": "Europe/Brussels"},
            )
            try:
                result = function(env, fixtures.Factory(env, env["res.company"].browse(company_id)), sizes)
            finally:
                cr.rollback()
        rows += result.rows
        details += result.details
        durations.append((name, time.perf_counter() - start))
        progress(f"benchmark {name} done in {durations[-1][1]:.0f} s")

    total = time.perf_counter() - started
    output = ["# payment_request benchmarks", ""]
    output += [f"- {label}: {value}" for label, value in facts]
    output += [
        f"- load average at end: {' '.join(f'{load:.2f}' for load in os.getloadavg())}",
        f"- sizes: {sizes_name}",
        "- data: each benchmark in its own transaction, rolled back, after a VACUUM ANALYZE;"
        " the company is committed once",
        "- run as: the administrator (not superuser), Belgian company, EUR",
        f"- duration: {total:.0f} s ("
        + ", ".join(f"{name}: {seconds:.0f} s" for name, seconds in durations)
        + ")",
        "",
        "Queries are counted with `cr.sql_log_count`, flush included; times are wall times of the same",
        "run. The time ratio is ours ÷ Odoo's (lower is better).",
        "",
    ]
    output += render_table(rows)
    for title, lines in details:
        output += ["", f"### {title}", "", "```text", *lines, "```"]
    print("\n".join(output))


if __name__ == "__main__":
    main()
