"""The API package only assembles: no app imports it (it imports every app's router)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.test import SimpleTestCase

import layanan

ASSEMBLERS = {"api", "urls.py", "settings.py"}  # the API itself and the project's wiring


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


class LayeringTests(SimpleTestCase):
    def test_no_app_imports_the_assembled_api(self) -> None:
        root = Path(layanan.__file__).parent
        offenders = []
        for path in sorted(root.rglob("*.py")):
            if path.relative_to(root).parts[0] in ASSEMBLERS:
                continue
            for module in imported_modules(path):
                if module == "layanan.api" or module.startswith("layanan.api."):
                    offenders.append(f"{path.relative_to(root)} imports {module}")
        self.assertGreater(len(list(root.rglob("api.py"))), 2, "the apps' routers were scanned")
        self.assertEqual(offenders, [])
