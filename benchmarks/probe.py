"""Measuring tools: query counts, wall time, per-method profiles and a
recorder of the SQL a block runs.

Queries are counted with ``cr.sql_log_count``, which ``odoo.sql_db.Cursor``
increments once per executed statement (``execute_values`` runs through
``execute`` too). Pending ORM writes are flushed inside the measured block,
so that they count where they were made.
"""

import functools
import re
import threading
import time
from collections import Counter
from contextlib import contextmanager

import psycopg2

import odoo.sql_db

FROM_TABLE = re.compile(r'\bFROM\s+"?(\w+)"?', re.IGNORECASE)


class Measure:
    """The queries and the wall time of one block."""

    def __init__(self, queries=0, seconds=0.0):
        self.queries = queries
        self.seconds = seconds

    def __iadd__(self, other):
        self.queries += other.queries
        self.seconds += other.seconds
        return self


@contextmanager
def measure(env):
    """Yield a :class:`Measure` filled when the block ends, flush included."""
    env.flush_all()
    result = Measure()
    count = env.cr.sql_log_count
    start = time.perf_counter()
    yield result
    env.flush_all()
    result.seconds = time.perf_counter() - start
    result.queries = env.cr.sql_log_count - count


class MethodProfile:
    """Queries and time spent in chosen model methods while active.

    Each method is wrapped on the registry's class of its model; only the
    outermost call of a method is counted, and a method called from
    another profiled method is counted in both (inclusive figures).
    """

    def __init__(self, env, methods):
        self.env = env
        self.methods = methods  # [(model, method)]
        self.stats = {}  # "model.method" -> [calls, queries, seconds]
        self.calls = {}  # "model.method" -> [(queries, seconds) of each outermost call]
        self.missing = []  # "model.method" that the model does not have
        self._restore = []

    def __enter__(self):
        for model, name in self.methods:
            cls = self.env.registry[model]
            key = f"{model}.{name}"
            if not hasattr(cls, name):
                # The addon changes: profile what exists, say what does not.
                self.missing.append(key)
                continue
            self.stats[key] = [0, 0, 0.0]
            self.calls[key] = []
            original = getattr(cls, name)
            self._restore.append((cls, name, name in vars(cls), original))
            setattr(cls, name, self._wrap(original, key))
        return self

    def _wrap(self, original, key):
        stats, calls = self.stats, self.calls
        depth = [0]

        @functools.wraps(original)
        def wrapper(records, *args, **kwargs):
            if depth[0]:
                return original(records, *args, **kwargs)
            depth[0] += 1
            count = records.env.cr.sql_log_count
            start = time.perf_counter()
            try:
                return original(records, *args, **kwargs)
            finally:
                depth[0] -= 1
                queries = records.env.cr.sql_log_count - count
                seconds = time.perf_counter() - start
                entry = stats[key]
                entry[0] += 1
                entry[1] += queries
                entry[2] += seconds
                calls[key].append((queries, seconds))

        return wrapper

    def __exit__(self, *exc_info):
        for cls, name, own, original in reversed(self._restore):
            if own:
                setattr(cls, name, original)
            else:
                delattr(cls, name)
        return False

    def lines(self, per, total):
        """Return text lines: queries and ms per ``per`` records for each method."""
        lines = []
        for key, (calls, queries, seconds) in self.stats.items():
            if not calls:
                continue
            lines.append(
                f"{key}: {calls} calls, {queries / per:.1f} queries and "
                f"{1000 * seconds / per:.1f} ms per record"
            )
        lines.append(
            f"whole operation, flush included: {total.queries / per:.1f} queries and "
            f"{1000 * total.seconds / per:.1f} ms per record"
        )
        if self.missing:
            lines.append(f"not in this version of the code: {', '.join(self.missing)}")
        return lines


@contextmanager
def rows_read():
    """Yield a Counter that ends up holding, per table, the number of rows
    the SELECT statements of the block returned (through the cursor's
    hooks); the table is the first one after FROM."""
    rows = Counter()

    def hook(cr, query, params, start, delay):
        text = str(query)
        if cr._obj.rowcount > 0 and text.lstrip()[:6].upper() == "SELECT":
            match = FROM_TABLE.search(text)
            rows[match.group(1) if match else "?"] += cr._obj.rowcount

    thread = threading.current_thread()
    previous = getattr(thread, "query_hooks", None)
    thread.query_hooks = (*(previous or ()), hook)
    try:
        yield rows
    finally:
        if previous is None:
            del thread.query_hooks
        else:
            thread.query_hooks = previous


@contextmanager
def record_queries():
    """Yield a list filled with the ``(sql, params)`` of every statement run
    by any cursor while the block runs."""
    recorded = []
    original = odoo.sql_db.Cursor.execute

    @functools.wraps(original)
    def execute(cursor, query, params=None, log_exceptions=True):
        if isinstance(query, odoo.tools.SQL):
            recorded.append((query.code, query.params))
        else:
            recorded.append((query, params))
        return original(cursor, query, params, log_exceptions)

    odoo.sql_db.Cursor.execute = execute
    try:
        yield recorded
    finally:
        odoo.sql_db.Cursor.execute = original


def top_tables(recorded, limit=6):
    """Return ``"statement table: count"`` strings for the commonest kinds of
    statement in ``recorded``, e.g. ``SELECT account_move_line: 812``."""
    kinds = Counter()
    table_after = {"SELECT": "FROM", "DELETE": "FROM", "INSERT": "INTO", "UPDATE": "UPDATE"}
    for code, _params in recorded:
        words = str(code).replace('"', "").split()
        upper = [word.upper() for word in words]
        verb = upper[0] if upper else "?"
        keyword = table_after.get(verb)
        table = ""
        if keyword in upper and upper.index(keyword) + 1 < len(words):
            table = words[upper.index(keyword) + 1]
        kinds[f"{verb} {table}".strip()] += 1
    return [f"{kind}: {count}" for kind, count in kinds.most_common(limit)]


def vacuum(database):
    """VACUUM ANALYZE the database, so that a benchmark meets neither the dead
    rows nor the statistics left by the rolled-back one before it."""
    _name, info = odoo.sql_db.connection_info_for(database)
    connection = psycopg2.connect(**info)
    try:
        connection.autocommit = True
        with connection.cursor() as cr:
            cr.execute("VACUUM ANALYZE")
    finally:
        connection.close()
