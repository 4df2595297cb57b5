"""`layanan messages extract|compile|check`: translation catalogs without GNU gettext.

extract  update locale/<lang>/LC_MESSAGES/django.po from the Python code and templates
compile  write django.mo next to each django.po (the .mo files are committed)
check    exit 1 listing every missing, untranslated or fuzzy message, broken placeholder and
         stale .mo; run by `make test`
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = "Extract, compile or check the translation catalogs (needs babel, a dev dependency)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["extract", "compile", "check"])
        parser.add_argument(
            "--root",
            default=str(settings.BASE_DIR),
            help="project directory holding layanan/ and templates/ (default: this project)",
        )
        parser.add_argument(
            "--locale-dir",
            default=str(settings.LOCALE_PATHS[0]),
            help="directory holding <lang>/LC_MESSAGES/ (default: the first of LOCALE_PATHS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            # babel is a development dependency; the running site only reads the .mo files.
            from layanan.portal import i18n_tools
        except ImportError as error:
            raise CommandError(
                f"{error}; install the development dependencies: pip install -e '.[dev]'"
            ) from error

        root = Path(options["root"]).resolve()
        locale_dir = Path(options["locale_dir"]).resolve()
        locales = [code for code, _name in settings.LANGUAGES]

        def shown(path: Path) -> str:
            return i18n_tools.display_path(path, root=root)

        try:
            if options["action"] == "extract":
                for update in i18n_tools.update_catalogs(
                    root=root, locale_dir=locale_dir, locales=locales, now=timezone.localtime()
                ):
                    self.stdout.write(
                        f"{shown(update.path)}: {update.messages} messages, {update.added} new, "
                        f"{update.removed} removed, {update.merged_from_partials} merged from "
                        f"partial catalogs, {update.untranslated} untranslated"
                        + ("" if update.changed else " (unchanged)")
                    )
            elif options["action"] == "compile":
                for compiled in i18n_tools.compile_catalogs(locale_dir=locale_dir):
                    self.stdout.write(
                        f"{shown(compiled.path)}: {compiled.translations} translations"
                        + ("" if compiled.changed else " (unchanged)")
                    )
            else:
                check = i18n_tools.check_catalogs(root=root, locale_dir=locale_dir, locales=locales)
                if check.problems:
                    listing = "\n".join(f"  - {problem}" for problem in check.problems)
                    raise CommandError(
                        f"{len(check.problems)} translation problem(s):\n{listing}", returncode=1
                    )
                self.stdout.write(f"translations up to date ({check.messages} messages)")
        except i18n_tools.CatalogError as error:
            raise CommandError(str(error)) from error
