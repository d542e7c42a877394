"""The fast lane (`pytest -m "not slow"`, README: Test) leaves out exactly the heavy tests named
here and runs every other test in tests/.

The lane is collected with the README's own command, in a subprocess, and compared with the test
functions read from the source of tests/test_*.py: a behaviour test marked slow without being
named below, or a heavy test named below but left unmarked, fails here. So does a new test
that hypothesis, schemathesis or Playwright drives, until it is marked and named.
"""

from __future__ import annotations

import ast
import re
import shlex
import subprocess
import sys
from pathlib import Path

from equipment_db.config import REPO_ROOT

TESTS = Path(__file__).resolve().parent

# Whole modules in the slow lane, and why (the figures: this machine, CI-sized, both engines).
SLOW_MODULES = {
    "test_api_fuzz.py": "schemathesis fuzzing of every operation (T1): about 50 s",
    "test_import_crash.py": "kill -9 during real import processes, 15 trials per engine (T5): about 70 s",
    "test_concurrent_access.py": "a real server, reader processes and two imports at once (T7): about 17 s",
    "test_history_stateful.py": "a hypothesis state machine over the revision history (T9): about 15 s",
    "test_backup_readers.py": "a backup process while reader threads run (T12): about 10 s",
    "test_pages_browser.py": "Chromium driven by Playwright against a real server, two viewports: about 40 s",
    "test_pages_print.py": "Chromium printing a heavy claim to A4 and a 7-system comparison, both engines: about 25 s",
    "test_bench_smoke.py": "bench/run.py end to end on a generated database: about 50 s",
    "test_wheel.py": "builds the wheel, installs it in a fresh venv, first run and serve from another folder: about 12 s",
    "test_consistency_properties.py": "hypothesis histories for the consistency check, 300 examples twice: about 10 s",
    "test_deploy.py": "a PostgreSQL primary and hot standby, uvicorn workers and nginx started (docs/DEPLOY.md): about 11 s",
}
# Single tests in the slow lane; the rest of each module is quick and stays in the fast lane.
SLOW_TESTS = {
    # a real server per engine: 50 sockets that never read and a search flood; then 408, 431,
    # 413 and the connection cap: about 30 s
    "test_hostile_clients.py": {
        "test_health_and_lookups_answer_within_a_second_while_50_clients_never_read",
        "test_incomplete_oversized_and_surplus_requests_are_refused_and_the_server_goes_on",
    },
    # the whole hostile corpus in every parameter of every route (T2): about 16 s
    "test_api_hostile.py": {"test_hostile_input_in_every_parameter_gets_an_exact_answer_and_changes_nothing"},
    # the time limits on a 2,000-claim benchmark database built per engine (T3): about 20 s
    "test_api_limits.py": {
        "test_two_hundred_ord_prefix_terms_are_refused_before_any_query",
        "test_pathological_searches_end_within_the_time_limit",
        "test_a_comparison_of_the_most_claimed_systems_ends_within_the_time_limit",
        "test_a_timeline_and_lists_with_every_filter_end_within_the_time_limit",
        "test_the_time_limit_is_in_force_a_long_search_or_list_gets_a_503_with_retry_after",
    },
    # 2,000-record files with 200 bad records, imported strict and --skip-invalid (T4): about 12 s
    "test_import_malformed.py": {
        "test_a_strict_import_with_malformed_records_writes_nothing_and_names_every_bad_line",
        "test_skip_invalid_writes_exactly_the_good_records_and_rejects_exactly_the_bad_lines",
    },
    # hypothesis properties, 25 examples each on each engine (T8): about 90 s
    "test_exchange_properties.py": {
        "test_export_import_export_is_byte_identical_and_a_second_import_writes_nothing",
        "test_claim_pages_concatenate_to_the_full_ordered_list",
        "test_system_and_source_pages_concatenate_to_the_full_ordered_list",
    },
    # bench/cli_start.py, the CLI start-up benchmark, run once end to end
    "test_cli_start.py": {"test_the_start_up_benchmark_prints_each_figure_with_its_ratio"},
    # bench/register_import.py, the R4 benchmark, on 60 rows per engine: about 10 s
    "test_bench_register.py": {"test_the_register_benchmark_imports_every_row_and_prints_its_ratio"},
    # the benchmark generator building and importing a 500-claim database per engine: about 13 s
    "test_bench_generate.py": {
        "test_import_rejects_nothing_and_creates_every_written_record",
        "test_database_holds_exactly_the_written_rows",
        "test_every_claim_has_one_to_three_citations_of_distinct_sources",
        "test_revision_pass_gives_each_restated_claim_a_second_version",
        "test_probes_resolve_on_the_database",
        "test_an_existing_database_is_refused_without_replace",
    },
}
HEAVY_TOOLS = ("hypothesis", "schemathesis", "playwright")


def _sources() -> dict[str, ast.Module]:
    paths = sorted(TESTS.glob("test_*.py"))
    return {path.name: ast.parse(path.read_text(encoding="utf-8")) for path in paths}


def _tests(module: ast.Module) -> dict[str, ast.AST]:
    """The tests pytest collects from a module, by name: its test_ functions and Test classes
    (a hypothesis state machine's `TestX = Machine.TestCase` too)."""
    found: dict[str, ast.AST] = {}
    for node in module.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [target.id for target in node.targets if isinstance(target, ast.Name)]
        elif isinstance(node, ast.ImportFrom):  # a test imported from another module runs here too
            names = [alias.asname or alias.name for alias in node.names]
        else:
            continue
        is_class = isinstance(node, ast.ClassDef | ast.Assign)
        found |= {name: node for name in names if name.startswith("Test" if is_class else "test")}
    return found


def _named_slow(module: str, test: str) -> bool:
    return module in SLOW_MODULES or test in SLOW_TESTS.get(module, set())


def fast_lane_command() -> list[str]:
    """The README's fast-lane command, run with this interpreter."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines() if re.match(r"^\.venv/bin/pytest .*-m \"not slow\"", line)]
    assert len(lines) == 1, f"README.md should show the fast lane's command once: {lines}"
    words = shlex.split(lines[0])
    return [sys.executable, "-m", "pytest", *words[1:]]


def _collected(command: list[str]) -> dict[str, set[str]]:
    """The tests a command selects, by module and test name (parameters dropped)."""
    done = subprocess.run([*command, "--collect-only", "-q", "-p", "no:cacheprovider"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    selected: dict[str, set[str]] = {}
    for line in done.stdout.splitlines():
        if line.startswith("tests/") and "::" in line:
            path, test = line.split("::")[:2]
            selected.setdefault(Path(path).name, set()).add(test.split("[")[0])
    assert selected, done.stdout[-3000:]
    return selected


def test_the_fast_lane_runs_every_test_but_the_named_heavy_ones() -> None:
    lane = _collected(fast_lane_command())
    expected = {
        module: {name for name in _tests(source) if not _named_slow(module, name)}
        for module, source in _sources().items()
    }
    lost = _difference(expected, lane)
    assert lost == {}, "tests marked slow but not named in tests/test_lanes.py: the fast lane lost them"
    heavy = _difference(lane, expected)
    assert heavy == {}, "tests named slow in tests/test_lanes.py but not marked: the fast lane runs them"


def _difference(a: dict[str, set[str]], b: dict[str, set[str]]) -> dict[str, list[str]]:
    """By module, the tests in `a` but not in `b`."""
    return {
        module: sorted(names - b.get(module, set()))
        for module, names in a.items()
        if names - b.get(module, set())
    }


def test_every_test_named_slow_exists() -> None:
    sources = _sources()
    assert sorted(set(SLOW_MODULES) - set(sources)) == []
    assert sorted(set(SLOW_TESTS) - set(sources)) == []
    defined = {module: set(_tests(sources[module])) for module in SLOW_TESTS}
    assert _difference(SLOW_TESTS, defined) == {}


def _imports(module: ast.Module) -> set[str]:
    names = {alias.name for node in ast.walk(module) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module or "" for node in ast.walk(module) if isinstance(node, ast.ImportFrom)}
    return {name.split(".")[0] for name in names}


def test_tests_that_hypothesis_schemathesis_or_playwright_drive_are_named_slow() -> None:
    """Generated examples, fuzzing and a browser are slow by nature: a new test using them is
    marked slow and named here."""
    unnamed = []
    for module, source in _sources().items():
        if not _imports(source) & set(HEAVY_TOOLS):
            continue
        for name, node in _tests(source).items():
            text = ast.unparse(node)
            driven = "@given" in text or "run_state_machine_as_test" in text or "schemathesis" in text
            if (driven or module not in SLOW_TESTS) and not _named_slow(module, name):
                unnamed.append(f"{module}::{name}")
    assert unnamed == []
