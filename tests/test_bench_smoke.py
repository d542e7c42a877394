"""bench/run.py end to end on a tiny generated database, on both engines: every query is
measured without an error and every ratio is reported. No timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dbs import DatabaseFactory

# Slow (the fast lane, `-m "not slow"`, leaves it out): bench/run.py end to end, about a minute.
pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parents[1] / "bench"
SIZE = ("--claims", "300", "--sources", "40", "--systems", "12", "--actors", "20")
READS = ("Q1", "Q1a", "Q2-2", "Q2-5", "Q3-p1", "Q3-p200", "Q4-rare", "Q4-common", "Q4-multi", "Q5-one",
         "Q5-page", "Q6", "Q6-timeline", "P1", "P5")  # fmt: skip
PAGES = {"P1": "Q1", "P5": "Q5-one"}  # an entry page (HTML) and the JSON of the same entry
DATASETTE_READS = ("Q1", "Q1a", "Q3-p1", "Q3-p200", "Q4-rare", "Q4-common", "Q4-multi", "Q5-one", "Q5-page",
                   "Q6", "Q6-timeline")  # fmt: skip


def _bench(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def _assert_measured(label: str, run: dict) -> None:
    assert run["requests"] > 0, f"{label}: {run}"
    assert run["error_total"] == 0, f"{label}: {run}"
    assert run["p50_us"] is not None and run["p99_us"] is not None, f"{label}: {run}"


def test_runner_measures_every_query_and_reports_every_ratio(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url, manifest, out = dbs.blank(), tmp_path / "manifest.json", tmp_path / "result.json"
    built = _bench("generate.py", "--scale", "tiny", *SIZE, "--db", url, "--manifest", str(manifest))
    assert built.returncode == 0, built.stderr
    # Datasette lives in its own venv, installed by hand (bench/README.md); CI has none.
    datasette = dbs.name == "sqlite" and (BENCH / ".venv-datasette" / "bin" / "datasette").exists()

    done = _bench("run.py", "--db", url, "--manifest", str(manifest), "--duration", "0.5", "--python-client",
                  "--import-claims", "100", "--out", str(out), *([] if datasette else ["--skip-datasette"]))  # fmt: skip

    assert done.returncode == 0, done.stderr[-4000:]
    assert "targets:" in done.stdout, done.stdout
    result = json.loads(out.read_text(encoding="utf-8"))
    queries = result["queries"]
    assert sorted(queries) == sorted([*READS, "Q7", "Q8"])
    for qid in READS:
        assert queries[qid]["raw_sql"]["p50_us"] > 0, qid
        for level in ("c1", "c16"):
            _assert_measured(f"{qid} api {level}", queries[qid]["api"][level])
            if datasette and qid in DATASETTE_READS:
                _assert_measured(f"{qid} datasette {level}", queries[qid]["datasette"][level])
    assert queries["Q1a"]["api"]["status"] == 307
    for page, json_query in PAGES.items():  # the same entry, asked for as a page
        assert queries[page]["api"]["accept"] == "text/html"
        assert queries[page]["api"]["path"] == queries[json_query]["api"]["path"]
    for level in ("c1", "c16"):
        _assert_measured(f"bare {level}", result["bare"][level])
    assert queries["Q7"]["claims"] == 100, queries["Q7"]
    assert queries["Q7"]["errors"] == 0, queries["Q7"]
    assert queries["Q7"]["raw"]["rows"] == queries["Q7"]["rows"], queries["Q7"]
    _assert_measured("Q8 without", queries["Q8"]["without"])
    _assert_measured("Q8 during", queries["Q8"]["during"])
    ratios = result["ratios"]
    assert sorted(ratios) == ["P50", "R1", "R2", "R3", "R4", "R5", "R6", "memory", "pages"]
    assert set(ratios["R1"]) == set(READS) and set(ratios["R3"]) == set(READS), ratios
    assert set(ratios["P50"]) == set(READS) and set(ratios["pages"]) == set(PAGES), ratios
    for page, json_query in PAGES.items():
        expected = round(queries[page]["api"]["c1"]["p50_us"] / queries[json_query]["api"]["c1"]["p50_us"], 2)
        assert ratios["pages"][page]["value"] == expected, ratios["pages"]
    assert ratios["memory"]["value"] == round(result["api_peak_rss_kb"] / 1024, 1)
    assert set(ratios["R2"]) == (set(DATASETTE_READS) if datasette else set()), ratios
    for name in ("R4", "R5", "R6"):
        assert ratios[name]["value"] is not None and ratios[name]["pass"] in (True, False), ratios[name]
    assert result["api_peak_rss_kb"] > 0
    assert result["database"]["size_bytes"] > 0
