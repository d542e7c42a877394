"""The CLI as a person sees it in an 80-column terminal (issue 19, part 6), on both engines.

The interactive tests run the real command in tmux (Debian's tmux, 80 x 24) and read the
screen as it is drawn (`tmux capture-pane`), so what they assert is what a person sees:
the import's report above its question, nothing drawn over the question, and after `n` a
line saying that nothing was written; a claim list whose ids are whole on their line.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_helpers import _dispose_engines, ok, read_json  # noqa: F401  (an autouse fixture)
from tests.dbs import DatabaseFactory, db_state, engine_for

CLI = str(Path(sys.executable).parent / "equipment-db")
REGISTER = "https://example.org/test-register"


class Screen:
    """One command in a detached tmux session of 80 x 24; the session stays after it ends."""

    def __init__(self, command: list[str]) -> None:
        self.name = f"edb-{uuid.uuid4().hex[:8]}"
        shell = f"{shlex.join(command)}; echo \"[exit $?]\"; sleep 60"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "80", "-y", "24", shell], check=True)

    def text(self) -> str:
        """What the pane shows, with what scrolled off its top."""
        return subprocess.run(["tmux", "capture-pane", "-p", "-S", "-500", "-t", self.name], check=True,
                              capture_output=True, text=True).stdout  # fmt: skip

    def wait_for(self, pattern: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.text()
            if re.search(pattern, screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{pattern!r} never appeared; the screen:\n{self.text()}")

    def type(self, keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, keys, "Enter"], check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def screens() -> Iterator[list[Screen]]:
    if shutil.which("tmux") is None:
        missing = "tmux is not installed (Debian: apt-get install tmux)"
        if os.environ.get("EQUIPMENT_DB_REQUIRE_TMUX") == "1":  # .ci/run installs it and sets this
            pytest.fail(f"EQUIPMENT_DB_REQUIRE_TMUX=1 but {missing}")
        pytest.skip(f"{missing}; .ci/run installs it")
    opened: list[Screen] = []
    yield opened
    for screen in opened:
        screen.close()


def _claims_file(tmp_path: Path, count: int) -> Path:
    source = {"type": "source", "kind": "dataset", "title": "Test Register", "url": REGISTER}
    claims = [{"type": "claim", "kind": "transfer", "system": "igla-s", "country": "VE", "counterparty": "RU",
               "value": i + 1, "counted": "missiles", "scope": "delivered", "about": str(2000 + i),
               "citations": [{"source": REGISTER, "locator": f"row {i + 1}", "quote": f"Test row {i + 1}."}]}
              for i in range(count)]  # fmt: skip
    path = tmp_path / "register.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [source, *claims]) + "\n", encoding="utf-8")
    return path


def test_an_interactive_import_shows_its_report_then_asks_and_writes_nothing_on_no(
    dbs: DatabaseFactory, tmp_path: Path, screens: list[Screen]
) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    before = db_state(engine)
    path = _claims_file(tmp_path, 12)
    screen = Screen([CLI, "--db", url, "import", str(path)])
    screens.append(screen)
    asked = screen.wait_for(r"Commit this import\? \[Y/n\]:")
    rows = asked.splitlines()
    question = next(i for i, line in enumerate(rows) if "Commit this import?" in line)
    above = "\n".join(rows[:question])
    assert "Import (not written yet)" in above and "dry run" not in asked
    assert re.search(r"│ claim\s+│ 12\s+│", above) and re.search(r"│ citation\s+│ 12\s+│", above), asked
    assert "25 created" in above
    assert "12 created" not in rows[question]  # the question has its line to itself
    assert not re.search(r"━|\d+/\d+", rows[question]), asked  # no progress bar drawn over it
    screen.type("n")
    after = screen.wait_for(r"\[exit \d+\]")
    assert "Nothing was written: register.jsonl was not imported (answered no)." in after
    assert "[exit 0]" in after and "created" not in after.split("Commit this import?")[1]
    assert db_state(engine) == before

    screen = Screen([CLI, "--db", url, "import", str(path)])
    screens.append(screen)
    screen.wait_for(r"Commit this import\? \[Y/n\]:")
    screen.type("y")
    written = screen.wait_for(r"\[exit \d+\]")
    assert "[exit 0]" in written and "Written: register.jsonl was imported as shown above." in written
    assert written.count("Import (") == 1 and "dry run" not in written  # one report, before the question
    listed = read_json(url, "claim", "list", "--source", REGISTER, "--limit", "100")
    assert len(listed) == 12
    engine.dispose()


def test_a_claim_list_at_80_columns_keeps_every_id_whole(dbs: DatabaseFactory, screens: list[Screen]) -> None:
    url = dbs.seeded()
    ids = [c["id"] for c in read_json(url, "claim", "list", "--system", "igla-s", "--limit", "5")]
    screen = Screen([CLI, "--db", url, "claim", "list", "--system", "igla-s", "--limit", "5"])
    screens.append(screen)
    shown = screen.wait_for(r"\[exit \d+\]")
    assert "[exit 0]" in shown
    assert all(len(line) <= 80 for line in shown.splitlines())
    for claim_id in ids:
        assert re.search(rf"(^|[│ ]){claim_id}([│ ]|$)", shown, re.M), (claim_id, shown)


def test_claim_show_leaves_out_empty_fields_unless_all(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    short = ok(url, "claim", "show", "C-YSESYR2E").stdout
    full = ok(url, "claim", "show", "C-YSESYR2E", "--all").stdout
    record = read_json(url, "claim", "show", "C-YSESYR2E")
    empty = [k for k, v in record.items() if v is None or v == "" or v == []]
    assert len(empty) >= 5
    for field in empty:
        label = field.replace("_", " ")
        assert re.search(rf"^ ?{label}\s*$", full, re.M), field
        assert not re.search(rf"^ ?{label}\s*$", short, re.M), field
    assert f"({len(empty)} empty fields not shown; --all shows them)" in short
    assert "id" in short and "C-YSESYR2E" in short and "Maduro" in short
    assert re.search(r"created at\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", short)  # to the second
    assert set(record) >= set(empty)  # JSON keeps every field


def test_the_guided_claim_add_asks_in_plain_words_asks_again_and_shows_what_it_saved(
    dbs: DatabaseFactory, screens: list[Screen]
) -> None:
    url = dbs.seeded()
    before = {c["id"] for c in read_json(url, "claim", "list", "--limit", "1000")}
    screen = Screen([CLI, "--db", url, "claim", "add", "--kind", "inventory"])
    screens.append(screen)
    answers = [
        (r"Which system is the claim about\?", "Igla-S"),
        (r"Who holds them\?", "Narnia"),  # refused: asked again, the system kept
        (r"is neither a country nor a known actor[\s\S]*Who holds them\?", "Venezuela"),
        (r"What number did the source give, in its words\?", "about 200"),
        (r"What does the number count\? \(missiles, launchers", "missiles"),
        (r"Which source carries the claim\?", "S-PJZ2YVHP"),
        (r"The source's exact words", "Test quote of the guided add."),
        (r"Who made the claim\?", ""),  # left out: the source itself
        (r"When was it stated\?", "some day"),  # refused: not a date
        (r"error: stated[\s\S]*When was it stated\?", "October 2025"),
        (r"read as: about 200 missiles\s+Save it\? \[Y/n\]:", "y"),
    ]
    for pattern, answer in answers:
        screen.wait_for(pattern, timeout=30)
        screen.type(answer)
    done = screen.wait_for(r"\[exit \d+\]")
    assert "[exit 0]" in done, done
    added = {c["id"] for c in read_json(url, "claim", "list", "--limit", "1000")} - before
    assert len(added) == 1
    claim = read_json(url, "claim", "show", added.pop())
    assert (claim["system"], claim["country"], claim["value_low"], claim["counted"], claim["stated"]) == (
        "igla-s", "VE", 200, "missiles", "2025-10")
    assert claim["claimant"] is None and claim["citations"][0]["quote"] == "Test quote of the guided add."
    assert re.search(rf"{claim['id']}\s*\n\s*type\s+claim", done)  # the id, then the claim as `claim show`
    assert re.search(r"value as worded\s+about 200 missiles", done)
