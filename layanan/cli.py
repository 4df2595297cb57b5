"""The `layanan` console script: Django's management commands with the settings preset."""

import os
import sys


def cli_language() -> str:
    """The language for command output: Indonesian when the shell's locale is, else English.

    LAYANAN_LANGUAGE (id or en) overrides the locale variables.
    """
    for name in ("LAYANAN_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "id" if value.lower().startswith(("id", "in_")) else "en"
    return "en"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layanan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["layanan", *sys.argv[1:]])


if __name__ == "__main__":
    main()
