"""Boundaries the architecture depends on, checked by reading the source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "evenhand"

# Only the cases app's own write/read layers and the policy may query cases directly.
CASE_QUERY_ALLOWED = {
    SOURCE / "screening" / "policies.py",
    *(SOURCE / "cases" / "services").glob("*.py"),
    # Conflict checks find which cases a change touches, inside the cases' write path.
    SOURCE / "screening" / "conflicts.py",
    SOURCE / "screening" / "services.py",
}
CASE_QUERY = re.compile(r"\bCase\.objects")
WRITE_CALL = re.compile(r"\.(save|delete|update|bulk_create|bulk_update)\(|\.objects\.create\(")


def _python_files() -> list[Path]:
    return [p for p in SOURCE.rglob("*.py") if "migrations" not in p.parts]


def test_case_objects_only_in_policy_and_services() -> None:
    offenders = [
        str(path.relative_to(SOURCE))
        for path in _python_files()
        if CASE_QUERY.search(path.read_text()) and path not in CASE_QUERY_ALLOWED
    ]
    assert offenders == []


def test_views_api_and_commands_never_write_models_directly() -> None:
    layers = [
        p
        for p in _python_files()
        if p.name in {"views.py", "api.py", "admin.py", "forms.py"}
        # A views package: each of its modules.
        or p.parent.name == "views"
        or "api" in p.relative_to(SOURCE).parts[:1]
        or "commands" in p.parts
    ]
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in layers
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if WRITE_CALL.search(line) and not line.lstrip().startswith("@")
    ]
    assert offenders == []


def test_services_take_keyword_only_arguments_and_an_actor() -> None:
    missing: list[str] = []
    # A services module, or each module of a services package.
    for path in [*SOURCE.glob("*/services.py"), *SOURCE.glob("*/services/*.py")]:
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            args = node.args
            is_writer = any(a.arg == "actor" for a in args.kwonlyargs)
            if args.args and is_writer:
                missing.append(f"{path.parent.name}.{node.name}: positional arguments")
    assert missing == []


def test_no_statute_numbers_in_code_outside_the_ruleset() -> None:
    statute = re.compile(r"\b\d{1,3} ILCS \d+/")
    allowed = {"demo"}  # the demo narrates the scenario in plain words
    offenders = [
        str(path.relative_to(SOURCE))
        for path in _python_files()
        if statute.search(path.read_text()) and path.relative_to(SOURCE).parts[0] not in allowed
    ]
    assert offenders == []
