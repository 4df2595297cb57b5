"""The components of a draft written as YAML, in the format of charter files
(docs/charter-format.md): one reading for the Django admin's editor and the office editor, so
both show the same messages, with the same paths, as the import command prints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from django.utils.translation import gettext as _

from layanan.charters.importer import strip_agency


class NotComponents(ValueError):
    """The text is not a mapping of components (`message` says why, in the reader's language)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def components_from_yaml(text: str) -> dict[str, Any]:
    """The mapping the YAML text writes, or NotComponents. The components themselves are
    checked afterwards by `actions.check_charter` (the reader of charter files)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise NotComponents(_("Not valid YAML: %(e)s") % {"e": exc}) from None
    if not isinstance(data, dict):
        raise NotComponents(_("The components must be a mapping of keys to values."))
    return data


def yaml_of(content: Mapping[str, Any]) -> str:
    """A version's components as the YAML an editor starts from."""
    return yaml.safe_dump(strip_agency(content), allow_unicode=True, sort_keys=False)
