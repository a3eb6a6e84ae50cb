"""A throwaway PostgreSQL server for the tests: initdb in a temp dir, `postgres` on a free
port bound to 127.0.0.1, a fresh database per test (copied from a migrated template),
stopped at the end of the session.

The server binaries come from the system (Debian's postgresql-15; .ci/run installs it).
Missing binaries fail the tests that need them with one line saying how to install them:
these tests are never skipped. PostgreSQL refuses to run as root, so when the tests run as
root the server runs as the `postgres` user (or `nobody`), through setpriv, which execs
(the pid we hold is the postmaster's own).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

VERSION = 15
INSTALL_HINT = (f"PostgreSQL {VERSION} server binaries not found (looked in "
                f"/usr/lib/postgresql/{VERSION}/bin, `pg_config --bindir` and PATH): install "
                f"them with `apt-get install postgresql-{VERSION}`")
USER = "tutorbot"


class MissingPostgres(RuntimeError):
    pass


def find_bindir() -> Path:
    candidates = [Path(f"/usr/lib/postgresql/{VERSION}/bin")]
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                             check=True).stdout.strip()
        candidates.append(Path(out))
    found = shutil.which("postgres")
    if found:
        candidates.append(Path(found).resolve().parent)
    for folder in candidates:
        if all((folder / tool).exists() for tool in ("postgres", "initdb", "psql")):
            return folder
    raise MissingPostgres(INSTALL_HINT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as() -> tuple[list[str], pwd.struct_passwd | None]:
    """The command prefix that drops root, and the account it drops to."""
    if os.getuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            account = pwd.getpwnam(name)
            return ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}",
                    "--clear-groups"], account
    raise MissingPostgres("the tests run as root and there is no 'postgres' or 'nobody' "
                          "user for the PostgreSQL server to run as")


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.prefix, account = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="tutorbot-pg-"))
        if account is not None:
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self.data = self.root / "data"
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._names = itertools.count(1)
        self.template: str | None = None

    def url(self, database: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        subprocess.run([*self.prefix, str(self.bindir / "initdb"), "-D", str(self.data), "-U",
                        USER, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
                       check=True, capture_output=True)
        # Durability settings off: these tests check SQL and claims, not crash safety.
        self.process = subprocess.Popen(
            [*self.prefix, str(self.bindir / "postgres"), "-D", str(self.data),
             "-h", "127.0.0.1", "-p", str(self.port), "-k", str(self.root),
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=200"],
            stdout=subprocess.DEVNULL, stderr=open(self.root / "server.log", "wb"))  # noqa: SIM115
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("postgres exited at start: "
                                   + (self.root / "server.log").read_text()[-500:])
            if self.psql("postgres", "SELECT 1", check=False).returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError("postgres did not accept connections within 30 s")
            time.sleep(0.1)

    def psql(self, database: str, sql: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER,
             "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql],
            capture_output=True, text=True, check=check)

    def new_database(self, template: str | None = None) -> str:
        """A new, empty (or copied from `template`) database; its URL."""
        name = f"t{next(self._names)}"
        copy = f" TEMPLATE {template}" if template else ""
        self.psql("postgres", f"CREATE DATABASE {name}{copy}")
        return self.url(name)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # "fast" shutdown
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)
