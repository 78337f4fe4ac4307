"""Real servers on loopback for the scale-out tests: PostgreSQL, a Chroma server, `assistant serve`.

Each is started in a temporary directory on a free port, waited for, and stopped by its own pid.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.live import free_port


def _wait(url: str, proc: subprocess.Popen[bytes], timeout: float, *, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} not up after {timeout}s: {log.read_text()[-2000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def postgres_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway cluster; yields its SQLAlchemy URL. PostgreSQL refuses to run as root, so a root
    test runs it as the ``postgres`` user, in a directory of its own under /tmp (pytest's temporary
    directories are private to root)."""
    bindir = postgres_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb) not found")
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    tmp = Path(tempfile.mkdtemp(prefix="rrall-pg-"))
    if as_user:
        shutil.chown(tmp, user="postgres")
    data = tmp / "data"
    port = free_port()
    options = f"-k {tmp} -h 127.0.0.1 -p {port} -F"
    try:
        _run([*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
              "--no-sync"])
        _run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(tmp / "log"), "-w",
              "-t", "60", "start"])
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


_DATABASES = iter(range(100_000))


def fresh_database(server: str) -> str:
    """A new, empty database on the cluster at ``server``; returns its URL."""
    from sqlalchemy import create_engine, text

    name = f"rrall_{os.getpid()}_{next(_DATABASES)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"


def migrated_database(server: str) -> str:
    """A new database upgraded to the current schema, as `assistant db upgrade` leaves it."""
    from assistant.db.engine import make_engine
    from assistant.db.migrate import upgrade

    url = fresh_database(server)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway Redis on loopback, nothing saved to disk; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError("redis-server not found")
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="rrall-redis-"))
    log = tmp / "log"
    with log.open("wb") as out:
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                 "no", "--dir", str(tmp)], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        _stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stdout[-1000:]} {done.stderr[-1000:]}")


@contextmanager
def chroma_server(tmp: Path) -> Iterator[str]:
    """`chroma run` (shipped with chromadb) on loopback; yields its URL."""
    chroma = Path(sys.executable).with_name("chroma")
    port = free_port()
    log = tmp / "chroma.log"
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp / "chroma"), "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/api/v2/heartbeat", proc, 60, log=log)
        yield base
    finally:
        _stop(proc)


@contextmanager
def assistant_serve(data_dir: Path, *, workers: int, env: dict[str, str] | None = None) -> Iterator[tuple[str, Path]]:
    """`assistant serve --workers N` as a real process; yields its URL and the file its JSON logs go to."""
    with serve_process(data_dir, workers=workers, env=env) as (base, log, _):
        yield base, log


@contextmanager
def serve_process(data_dir: Path, *, workers: int, env: dict[str, str] | None = None,
                  log_name: str = "serve.log") -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    """`assistant serve` as a real process; yields its URL, its log file and the process (to kill)."""
    port = free_port()
    log = data_dir / log_name
    environment = {**os.environ, "RRALL_DATA_DIR": str(data_dir), **(env or {})}
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-c", "from assistant.cli import main; main()", "serve", "--port", str(port),
               "--workers", str(workers)]
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=environment)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/healthz", proc, 120, log=log)
        _wait_for_index(log, workers, proc, 120)
        yield base, log, proc
    finally:
        _stop(proc)


def _wait_for_index(log: Path, workers: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Until every worker has logged its knowledge as ready: /readyz alone cannot tell, as one busy
    worker may leave all new connections to the other."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        ready = {e["pid"] for e in entries if e.get("logger") == "rrall.api" and e.get("message") == "knowledge ready"}
        if len(ready) >= workers:
            return
        time.sleep(0.1)
    raise TimeoutError(f"not every worker loaded its index: {log.read_text()[-2000:]}")
