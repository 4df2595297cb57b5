"""`layanan keys`: the keyring that seals NIKs (see docs/operations.md, "Keys").

layanan keys status              where the keyring is, its keys, how many NIKs each sealed
layanan keys rotate              add a new key; new writes use it from now on
layanan keys reencrypt           seal every NIK again with the current key, in batches
layanan keys retire KEY_ID       remove a key that no stored NIK uses any more
"""

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from layanan.accounts.nik_store import KeyringError, keyring, keyring_path
from layanan.citizens.sealing import BATCH, count_by_key, reseal_all
from layanan.lib.sealed import save_keyring


class Command(BaseCommand):
    help = "Manage the keys that seal NIKs: status, rotate, reencrypt, retire."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("status", help="the keyring's keys and how many NIKs each one sealed")
        sub.add_parser("rotate", help="add a new key, which seals every NIK written from now")
        reencrypt = sub.add_parser("reencrypt", help="seal every NIK again with the current key")
        reencrypt.add_argument("--batch-size", type=int, default=BATCH)
        retire = sub.add_parser("retire", help="remove a key no stored NIK uses any more")
        retire.add_argument("key_id")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, options["operation"])(**options)
        except KeyringError as problem:
            self.stderr.write(f"keyring: {problem}")
            sys.exit(1)

    def status(self, **options: Any) -> None:
        ring = keyring()
        counts = count_by_key()
        self.stdout.write(f"keyring: {keyring_path()}")
        for key_id in sorted(ring.sealing):
            mark = " (current)" if key_id == ring.current else ""
            self.stdout.write(f"key {key_id}{mark}: {counts.pop(key_id, 0)} NIK(s)")
        for key_id, count in sorted(counts.items()):
            self.stdout.write(f"key {key_id} (MISSING from the keyring): {count} NIK(s)")
        if counts:
            sys.exit(1)

    def rotate(self, **options: Any) -> None:
        ring = keyring().with_new_key()
        save_keyring(keyring_path(), ring)
        self.stdout.write(
            f"New key {ring.current} added; it seals every NIK written from now on. "
            "Run `layanan keys reencrypt` to seal the stored ones with it."
        )

    def reencrypt(self, **options: Any) -> None:
        size = options["batch_size"]
        if size < 1:
            self.stderr.write("--batch-size must be 1 or more")
            sys.exit(2)
        profiles, applications = reseal_all(batch=size)
        current = keyring().current
        self.stdout.write(
            f"Sealed again with key {current}: {profiles} profile(s), "
            f"{applications} application(s)."
        )
        others = {k: n for k, n in count_by_key(batch=size).items() if k != current}
        if others:
            # Written meanwhile by a process that had not yet read the new key: run again.
            listed = ", ".join(f"{k}: {n}" for k, n in sorted(others.items()))
            self.stderr.write(f"Still sealed with other keys ({listed}): run reencrypt again.")
            sys.exit(1)

    def retire(self, **options: Any) -> None:
        key_id = options["key_id"]
        ring = keyring()
        in_use = count_by_key().get(key_id, 0)
        if in_use:
            self.stderr.write(
                f"Key {key_id} still seals {in_use} NIK(s): run `layanan keys reencrypt` first."
            )
            sys.exit(1)
        save_keyring(keyring_path(), ring.without_key(key_id))
        self.stdout.write(
            f"Key {key_id} retired. Keep backups made before today safe: they hold it."
        )
