from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from layanan.charters.importer import ImportFailed, export_service, import_files
from layanan.charters.models import Service
from layanan.cli import cli_language


class Command(BaseCommand):
    help = "Import charter files (YAML) or export a service with its charter."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="validate and load charter files; all or nothing")
        imp.add_argument("files", nargs="+", type=Path, help="YAML files or folders of them")
        imp.add_argument("--quiet-unchanged", action="store_true", help="list only changes")
        exp = sub.add_parser("export", help="print a service and its charter as YAML")
        exp.add_argument("code", help="the service code, e.g. akta-kelahiran")
        exp.add_argument("--output", "-o", type=Path, help="write to this file instead")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(cli_language())
        if options["action"] == "import":
            self.do_import(options["files"], quiet=options["quiet_unchanged"])
        else:
            self.do_export(options["code"], options.get("output"))

    def do_import(self, paths: list[Path], *, quiet: bool) -> None:
        files: list[Path] = []
        for path in paths:
            files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
        try:
            report = import_files(files)
        except ImportFailed as failure:
            for problem in failure.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(failure.problems)} problem(s) found; nothing was imported."
            ) from None
        for line in report.lines:
            if not quiet or "unchanged" not in line:
                self.stdout.write(line)
        self.stdout.write(f"{len(files)} file(s) read, {report.changed} change(s).")

    def do_export(self, code: str, output: Path | None) -> None:
        service = Service.objects.filter(code=code).select_related("lead_agency").first()
        if service is None:
            raise CommandError(f"unknown service '{code}'")
        text = export_service(service)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
