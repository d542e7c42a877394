"""docs/DEPLOY.md is the recipe tests/test_deploy.py runs: it includes deploy/nginx.conf verbatim,
holds the primary's settings and the uvicorn command the test reads, and the README links it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from equipment_db.config import REPO_ROOT
from tests.deploy_servers import (
    DEPLOY_MD,
    NGINX_CONF,
    doc_block,
    nginx_binary,
    nginx_main_conf,
    nginx_site,
    uvicorn_command,
)


def test_deploy_md_includes_the_nginx_config_the_test_runs_verbatim() -> None:
    text = DEPLOY_MD.read_text(encoding="utf-8")
    blocks = re.findall(r"^```nginx\n(.*?)^```", text, flags=re.S | re.M)
    assert blocks == [NGINX_CONF.read_text(encoding="utf-8")], "docs/DEPLOY.md: paste deploy/nginx.conf again"


def test_deploy_md_holds_the_primary_settings_and_the_uvicorn_command_the_test_reads() -> None:
    settings = doc_block("# postgresql.conf on the primary")
    assert "wal_level = replica" in settings.splitlines()
    command = uvicorn_command(8123)
    assert command[1:3] == ["equipment_db.api.asgi:app", "--host"] and "8123" in command
    assert int(command[command.index("--workers") + 1]) >= 2


def test_the_readme_links_deploy_md() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "[docs/DEPLOY.md](docs/DEPLOY.md)" in readme
    assert "DEPLOY.md" in readme.split("## Layout")[1]


def test_nginx_accepts_the_config(tmp_path: Path) -> None:
    """`nginx -t` on deploy/nginx.conf as the test runs it (skipped where nginx is not installed
    and EQUIPMENT_DB_REQUIRE_NGINX is not 1)."""
    nginx = nginx_binary()
    site = tmp_path / "equipment-db.conf"
    site.write_text(nginx_site(port=8080, upstream=8000, cache=tmp_path / "cache"), encoding="utf-8")
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_main_conf(tmp_path, site), encoding="utf-8")
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr
