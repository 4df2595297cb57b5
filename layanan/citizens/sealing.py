"""Key rotation for sealed NIKs: which keys the stored values use, and sealing them again
with the current key (`layanan keys reencrypt`), so that an old key can be retired.

The values live in two places: `citizens.Profile.nik` and the NIK answers inside
`cases.Application.answers`. Both are read in batches by primary key; each batch is one
transaction that locks its rows, so a citizen saving their profile meanwhile is not
overwritten with an older value. Sealing again changes no content, so it records no event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.db import models, transaction
from django.db.models.functions import Cast

from layanan.accounts.nik_store import keyring, open_nik, seal_nik
from layanan.cases.models import Application
from layanan.citizens.models import Profile
from layanan.lib.sealed import is_sealed, key_id_of

BATCH = 500


def _raw_profiles() -> Any:  # a QuerySet with the annotation `stored`
    # Cast to plain text: the stored (sealed) value, not the NIK the field would open.
    return Profile.objects.annotate(stored=Cast("nik", output_field=models.TextField()))


def _pk_batches(queryset: models.QuerySet[Any], size: int) -> Iterator[list[int]]:
    last = 0
    while True:
        pks = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not pks:
            return
        yield pks
        last = pks[-1]


def sealed_answers(answers: dict[str, Any]) -> dict[str, str]:
    return {key: value for key, value in answers.items() if is_sealed(value)}


def count_by_key(*, batch: int = BATCH) -> Counter[str]:
    """How many stored NIKs each key id sealed (profiles and answers together)."""
    counts: Counter[str] = Counter()
    for pks in _pk_batches(Profile.objects.exclude(nik_hash=""), batch):
        for stored in _raw_profiles().filter(pk__in=pks).values_list("stored", flat=True):
            if is_sealed(stored):
                counts[key_id_of(stored)] += 1
    for pks in _pk_batches(Application.objects.all(), batch):
        for answers in Application.objects.filter(pk__in=pks).values_list("answers", flat=True):
            counts.update(key_id_of(v) for v in sealed_answers(answers).values())
    return counts


def reseal_all(*, batch: int = BATCH) -> tuple[int, int]:
    """Seal again with the current key every NIK sealed with another; returns how many
    profiles and applications were rewritten."""
    current = keyring().current
    profiles = applications = 0
    for pks in _pk_batches(Profile.objects.exclude(nik_hash=""), batch):
        with transaction.atomic():
            rows = _raw_profiles().select_for_update().filter(pk__in=pks)
            for pk, stored in rows.values_list("pk", "stored"):
                if is_sealed(stored) and key_id_of(stored) != current:
                    Profile.objects.filter(pk=pk).update(nik=open_nik(stored))
                    profiles += 1
    for pks in _pk_batches(Application.objects.all(), batch):
        with transaction.atomic():
            locked = Application.objects.select_for_update().filter(pk__in=pks)
            for pk, answers in locked.values_list("pk", "answers"):
                stale = {
                    key: value
                    for key, value in sealed_answers(answers).items()
                    if key_id_of(value) != current
                }
                if stale:
                    fresh = {key: seal_nik(open_nik(value)) for key, value in stale.items()}
                    Application.objects.filter(pk=pk).update(answers={**answers, **fresh})
                    applications += 1
    return profiles, applications
