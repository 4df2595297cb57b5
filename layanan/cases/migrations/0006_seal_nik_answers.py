"""Seal the NIK answers of every application (the form fields of type `nik`).

Answers already sealed are left alone, so the step is safe to run again; reversing it opens
them back into clear text. Applications are read in batches by primary key.
"""

from typing import Any

from django.db import migrations

from layanan.lib.sealed import is_sealed

BATCH = 200


def nik_keys(content: dict[str, Any]) -> set[str]:
    return {spec["key"] for spec in content.get("form", []) if spec.get("type") == "nik"}


def applications_in_batches(Application: Any) -> Any:
    last = 0
    while True:
        batch = list(
            Application.objects.filter(pk__gt=last)
            .select_related("charter")
            .only("pk", "answers", "charter__content")
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def seal_answers(apps: Any, schema_editor: Any) -> None:
    from layanan.accounts.nik_store import seal_nik

    Application = apps.get_model("cases", "Application")
    for batch in applications_in_batches(Application):
        for application in batch:
            keys = nik_keys(application.charter.content)
            answers = dict(application.answers)
            for key in keys:
                value = answers.get(key)
                if isinstance(value, str) and value and not is_sealed(value):
                    answers[key] = seal_nik(value)
            if answers != application.answers:
                Application.objects.filter(pk=application.pk).update(answers=answers)


def open_answers(apps: Any, schema_editor: Any) -> None:
    from layanan.accounts.nik_store import open_nik

    Application = apps.get_model("cases", "Application")
    for batch in applications_in_batches(Application):
        for application in batch:
            answers = {
                key: open_nik(value) if is_sealed(value) else value
                for key, value in application.answers.items()
            }
            if answers != application.answers:
                Application.objects.filter(pk=application.pk).update(answers=answers)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_eventcursor_gaps"),
    ]

    operations = [
        migrations.RunPython(seal_answers, open_answers, elidable=False),
    ]
