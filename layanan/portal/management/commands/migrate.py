"""Django's `migrate`, which first makes the data directory the service's own.

`layanan serve` and `layanan demo` run it at start; an install upgraded from a release that
left the database, its WAL or the documents readable by others (0644) is tightened here.
"""

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrateCommand

from layanan.portal.data_dir import secure_data_dir


class Command(DjangoMigrateCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        changed = secure_data_dir()
        if changed and options["verbosity"] >= 1:
            self.stdout.write(
                f"Data directory: {changed} file(s) or folder(s) made readable by this user only."
            )
        super().handle(*args, **options)
