"""What ``make reliability`` runs beside Odoo: a PostgreSQL instance and an
SMTP server of its own, both on loopback, both faults can be injected into.

- :class:`PgInstance` is a PostgreSQL cluster in ``.build/<series>/pg``
  (``initdb`` on first use), with its own port and socket directory and no
  TCP listener, started and stopped by the run: restarting it disturbs nothing
  else on the machine. PostgreSQL refuses to run as root, so when the run is
  root the cluster belongs to the ``postgres`` system user; its superuser role
  is named after the user running the harness, who connects through the
  socket without a password (``trust``, local socket only).
- :class:`SmtpSink` is an ``aiosmtpd`` server that records every message it
  accepts (its ``Message-Id`` and recipients). It can stop listening
  (connection refused) or answer every connection with ``421``, and come back.
"""

import email
import getpass
import logging
import os
import pwd
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO: the run counts them itself.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def _pg_bindir():
    for candidate in (os.environ.get("PG_BINDIR"), _pg_config_bindir()):
        if candidate and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    if not found:
        raise SystemExit("PostgreSQL's pg_ctl is not installed (PG_BINDIR names its directory)")
    return Path(found).resolve().parent


def _pg_config_bindir():
    try:
        return subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


class PgInstance:
    """A throwaway PostgreSQL cluster owned by the run."""

    def __init__(self, directory, port, log=print):
        self.directory = Path(directory).resolve()
        self.data = self.directory / "data"
        self.socket_dir = self.directory / "run"
        self.logfile = self.directory / "postgresql.log"
        self.port = int(port)
        self.bindir = _pg_bindir()
        self.log = log
        self.role = getpass.getuser()
        # PostgreSQL does not run as root: the cluster is then the postgres user's.
        self.os_user = "postgres" if os.geteuid() == 0 else None

    # -- process helpers -------------------------------------------------

    def _run(self, *command, check=True, timeout=120):
        command = [str(part) for part in command]
        if self.os_user:
            command = ["runuser", "-u", self.os_user, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=timeout)

    def _chown(self, path):
        if self.os_user:
            entry = pwd.getpwnam(self.os_user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    @property
    def environ(self):
        """libpq's variables for this instance (psql, createdb, Odoo's --db_host)."""
        return {"PGHOST": str(self.socket_dir), "PGPORT": str(self.port), "PGUSER": self.role}

    def odoo_options(self):
        return [f"--db_host={self.socket_dir}", f"--db_port={self.port}", f"--db_user={self.role}"]

    # -- life cycle --------------------------------------------------------

    def ensure(self):
        """``initdb`` the cluster unless it exists."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        self._chown(self.directory)
        self._chown(self.socket_dir)
        if (self.data / "PG_VERSION").exists():
            return
        self.log(f"initdb {self.data}")
        self._run(
            self.bindir / "initdb",
            "-D",
            self.data,
            "-U",
            self.role,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def start(self):
        if self.is_running():
            self.stop()
        # No TCP listener: the socket in the run's own directory only. fsync off:
        # a restart of PostgreSQL (even -m immediate, a crash) keeps what the OS
        # has; only a machine crash would lose data, which this run does not test.
        # synchronous_commit stays on: off, a crash loses commits already
        # acknowledged to Odoo (a link answered "done" was gone after the
        # restart, and the duplicate call then booked it: "accepted twice").
        options = (
            f"-c listen_addresses='' -c port={self.port} -c unix_socket_directories='{self.socket_dir}' "
            "-c max_connections=200 -c fsync=off -c full_page_writes=off "
            "-c shared_buffers=128MB"
        )
        self._run(
            self.bindir / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.logfile,
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode="fast"):
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop", check=False)

    def restart(self, mode="immediate"):
        """Stop PostgreSQL as a crash would (``immediate``: no checkpoint, every
        connection cut) and start it again; return the seconds it was down."""
        started = time.monotonic()
        self.stop(mode)
        self.start()
        return time.monotonic() - started

    def is_running(self):
        return self._run(self.bindir / "pg_ctl", "-D", self.data, "status", check=False).returncode == 0

    def psql(self, sql, database="postgres", tuples=False):
        """Run ``sql``; return its output (rows only with ``tuples``)."""
        env = dict(os.environ, **self.environ)
        options = ["-A", "-t"] if tuples else []
        return subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *options, "-d", database, "-c", sql],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        ).stdout


class _Recorder:
    """aiosmtpd handler: record each accepted message."""

    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        message_id = (message.get("Message-Id") or "").strip()
        with self.sink.lock:
            for recipient in envelope.rcpt_tos:
                self.sink.delivered.append((message_id, recipient.lower()))
        return "250 Message accepted for delivery"


class _Refuser(threading.Thread):
    """Answer every connection with 421 and close it, as a mail server that is
    up but refuses service."""

    def __init__(self, host, port):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.stopping = threading.Event()
        self.refused = 0

    def run(self):
        while not self.stopping.is_set():
            try:
                connection, _address = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with connection:
                try:
                    connection.sendall(b"421 4.3.2 Service not available, closing transmission channel\r\n")
                except OSError:
                    pass
                self.refused += 1

    def stop(self):
        self.stopping.set()
        self.join(5)
        self.sock.close()


class SmtpSink:
    """The run's outgoing mail server, counting what it accepts."""

    def __init__(self, port, host="127.0.0.1"):
        self.host = host
        self.port = int(port)
        self.lock = threading.Lock()
        self.delivered = []
        self.mode = "down"
        self._controller = None
        self._refuser = None
        self.refused_connections = 0

    def _stop_current(self):
        if self._controller:
            self._controller.stop()
            self._controller = None
        if self._refuser:
            self._refuser.stop()
            self.refused_connections += self._refuser.refused
            self._refuser = None

    def up(self):
        self._stop_current()
        self._controller = Controller(_Recorder(self), hostname=self.host, port=self.port, ready_timeout=10)
        self._controller.start()
        self.mode = "up"

    def down(self):
        """Stop listening: connections are refused."""
        self._stop_current()
        self.mode = "down"

    def refuse(self):
        """Listen, but answer 421 to every connection."""
        self._stop_current()
        self._refuser = _Refuser(self.host, self.port)
        self._refuser.start()
        self.mode = "421"

    def close(self):
        self._stop_current()

    def snapshot(self):
        with self.lock:
            return list(self.delivered)
