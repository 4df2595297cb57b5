"""Which approved WhatsApp template carries a message of each kind outside the 24-hour window.

By default the template of kind `submitted` is named `layanan_submitted`, in Indonesian
(Meta's code `id`) or English (`en_US`) after the person's language; the body parameters are
those of `notifications.short` for the kind (docs/channels.md lists them for registering
with Meta). `WHATSAPP_TEMPLATES` (JSON) renames any of them, per kind:
`{"submitted": {"name": "permohonan_diterima", "languages": {"id": "id", "en": "en"}}}`.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_LANGUAGES = {"id": "id", "en": "en_US"}


def template_for(kind: str, language: str) -> tuple[str, str]:
    """(template name, Meta's language code) for a message of `kind` in `language`."""
    configured = settings.WHATSAPP_TEMPLATES.get(kind) or {}
    prefix = settings.WHATSAPP_TEMPLATE_PREFIX
    name = str(configured.get("name") or f"{prefix}{kind or 'reply'}")
    languages = {**DEFAULT_LANGUAGES, **(configured.get("languages") or {})}
    wanted = language or settings.LANGUAGE_CODE
    return name, str(languages.get(wanted) or languages[settings.LANGUAGE_CODE])


def has_template(kind: str) -> bool:
    """Whether a message of `kind` has a template to go in outside the window: every kind of
    `notifications.short`, the one-time code, and any kind `WHATSAPP_TEMPLATES` names."""
    from layanan.notifications.short import SHORT

    return kind in SHORT or kind == "phone_code" or kind in settings.WHATSAPP_TEMPLATES
