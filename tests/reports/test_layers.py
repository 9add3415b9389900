"""charts/ knows no feature app (DESIGN.md layers); ideas does not reach up into reports."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FEATURES = {"ideas", "budgets", "dinners", "reports", "dashboard", "accounts", "config"}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_charts_import_no_feature_app():
    for path in (ROOT / "platform" / "charts").glob("*.py"):
        assert not imported(path) & FEATURES, path


def test_ideas_do_not_import_reports():
    for path in (ROOT / "ideas").rglob("*.py"):
        assert "reports" not in imported(path), path
