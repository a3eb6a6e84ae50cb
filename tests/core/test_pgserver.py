"""The PostgreSQL test server's own rule: no binaries is a one-line failure saying how to
install them, never a skip."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import pgserver


def test_missing_binaries_are_one_line_naming_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(pgserver, "VERSION", 99)  # no /usr/lib/postgresql/99
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_config, no postgres
    with pytest.raises(pgserver.MissingPostgres) as caught:
        pgserver.find_bindir()
    message = str(caught.value)
    assert "\n" not in message and "apt-get install postgresql-15" in message


def test_the_server_runs_on_loopback_not_as_root(postgres):
    # The postmaster, which lives as long as the server: a backend's pid (pg_backend_pid())
    # names a process that exits with its psql session, sometimes before /proc is read.
    owner = Path(f"/proc/{postgres.process.pid}/status").read_text().split("Uid:")[1].split()[0]
    assert owner != "0"
    address = postgres.psql("postgres", "SELECT inet_server_addr()").stdout.strip()
    assert address == "127.0.0.1"
