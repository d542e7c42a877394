"""The servers of docs/DEPLOY.md's recipe, started on this machine for tests/test_deploy.py: a
throwaway PostgreSQL primary and its hot standby, uvicorn workers, nginx.

PostgreSQL's server binaries refuse to run as root: as root they run as the `postgres` user
(`runuser`), in a temporary folder it owns; as any other user, as that user. The system
cluster on 5432 is never touched. The recipe's text is read from docs/DEPLOY.md and
deploy/nginx.conf, so that the test runs what the page says.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

import httpx
import pytest

from equipment_db.config import REPO_ROOT

DEPLOY_MD = REPO_ROOT / "docs" / "DEPLOY.md"
NGINX_CONF = REPO_ROOT / "deploy" / "nginx.conf"
VENV_BIN = Path(sys.executable).parent
REQUIRE_NGINX = "EQUIPMENT_DB_REQUIRE_NGINX"  # .ci/run sets it: no nginx is then a failure


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing(reason: str, required: bool) -> None:
    """A tool the test needs is not here: a failure where CI requires it, else a skip."""
    if required:
        pytest.fail(reason)
    pytest.skip(reason)


# --- docs/DEPLOY.md, the one home of the recipe --------------------------------------------


def doc_block(first_line: str) -> str:
    """The fenced block of docs/DEPLOY.md whose first line is `first_line` (its body)."""
    blocks = re.findall(r"^```\w*\n(.*?)^```", DEPLOY_MD.read_text(encoding="utf-8"), flags=re.S | re.M)
    found = [block for block in blocks if block.splitlines()[0] == first_line]
    assert len(found) == 1, f"docs/DEPLOY.md should hold one block starting {first_line!r}"
    return found[0]


def uvicorn_command(port: int) -> list[str]:
    """DEPLOY.md's uvicorn command, with this venv's uvicorn and `port`."""
    lines = [line for line in DEPLOY_MD.read_text(encoding="utf-8").splitlines()
             if line.startswith(".venv/bin/uvicorn ")]  # fmt: skip
    assert len(lines) == 1, lines
    words = shlex.split(lines[0])
    words[0] = str(VENV_BIN / "uvicorn")
    words[words.index("--port") + 1] = str(port)
    return words


def nginx_site(*, port: int, upstream: int, cache: Path) -> str:
    """deploy/nginx.conf with this machine's listen port, upstream and cache folder."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    replaced = (("listen 80;", f"listen 127.0.0.1:{port};"), ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};"),
                ("/var/cache/nginx/equipment-db", str(cache)))  # fmt: skip
    for old, new in replaced:
        assert text.count(old) == 1, f"deploy/nginx.conf should hold {old!r} once"
        text = text.replace(old, new)
    return text


# --- processes --------------------------------------------------------------------------------


def start(args: list[str], log: Path, **kwargs: object) -> subprocess.Popen[bytes]:
    """A server in its own process group, its output to `log`."""
    out = log.open("ab")
    return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kwargs)  # type: ignore[call-overload]


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        with suppress(httpx.HTTPError):
            if httpx.get(url, timeout=5).status_code == 200:
                return
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
        time.sleep(0.1)


# --- a throwaway PostgreSQL primary and its standby -------------------------------------------


def pg_bin() -> Path:
    """The newest PostgreSQL server binaries on this machine."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        missing("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb)",
                os.environ.get("EQUIPMENT_DB_REQUIRE_POSTGRES") == "1")  # fmt: skip
    return Path(found[-1]).parent


class Clusters:
    """PostgreSQL clusters in one temporary folder, owned by whoever runs their binaries."""

    def __init__(self) -> None:
        self.bin = pg_bin()
        self.root = os.geteuid() == 0
        if self.root and not shutil.which("runuser"):
            missing("running as root without runuser: PostgreSQL cannot be started", True)
        self.dir = Path(tempfile.mkdtemp(prefix="equipment-db-deploy-"))  # as root: /tmp, which postgres can enter
        if self.root:
            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
        self.started: list[Path] = []

    def run(self, tool: str, *args: str, timeout: float = 120) -> str:
        command = [str(self.bin / tool), *args]
        if self.root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.dir)
        assert done.returncode == 0, f"{shlex.join(command)}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def primary(self, port: int, settings: str) -> Path:
        """initdb, the recipe's `settings`, a replication line in pg_hba.conf; started."""
        data = self.dir / "primary"
        self.run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(f"\n{settings}\n# this machine's throwaway cluster\nlisten_addresses = '127.0.0.1'\n"
                       f"port = {port}\nunix_socket_directories = '{self.dir}'\nfsync = off\n")  # fmt: skip
        (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n"
                                          "host replication all 127.0.0.1/32 trust\n")  # fmt: skip
        self._start(data, port)
        return data

    def standby(self, primary_port: int, port: int) -> Path:
        """pg_basebackup -R from the primary (standby.signal and primary_conninfo); started."""
        data = self.dir / "standby"
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres", "-D", str(data),
                 "-R", "-X", "stream", "--checkpoint=fast")  # fmt: skip
        self._start(data, port)
        return data

    def _start(self, data: Path, port: int) -> None:
        self.run("pg_ctl", "-D", str(data), "-l", str(self.log(data)), "-o", f"-p {port}", "-w", "-t", "60", "start")
        self.started.append(data)

    def log(self, data: Path) -> Path:
        return self.dir / f"{data.name}.log"

    def close(self) -> None:
        for data in reversed(self.started):
            with suppress(AssertionError, subprocess.TimeoutExpired):
                self.run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop", timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


# --- nginx --------------------------------------------------------------------------------------


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if found is None:
        missing("nginx is not installed (apt-get install nginx; .ci/run installs it)",
                os.environ.get(REQUIRE_NGINX) == "1")  # fmt: skip
    return str(found)


def nginx_main_conf(work: Path, site: Path) -> str:
    """A whole nginx configuration around the site file: pid, logs and temporary files in
    `work`; workers as root when run as root (they write the cache in `work`)."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temps = "".join(f"    {kind}_temp_path {work / kind};\n" for kind in kinds)
    return (f"{user}worker_processes 1;\npid {work / 'nginx.pid'};\nerror_log {work / 'nginx-error.log'} notice;\n"
            f"events {{ worker_connections 256; }}\nhttp {{\n"
            f"    log_format cache '$request_uri \"$http_accept\" $status $upstream_cache_status $upstream_status';\n"
            f"    access_log {work / 'nginx-access.log'} cache;\n{temps}    include {site};\n}}\n")  # fmt: skip
