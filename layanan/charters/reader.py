"""Reading plain data (YAML, JSON, admin forms) with every problem collected and located.

Pure: no database. A `Problem` has a path into the data (``form[2].rules.max``) and a
message a person can act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass
class Reader:
    """Walks plain data, collecting every problem instead of stopping at the first."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def mapping(self, data: Any, path: str) -> Mapping[str, Any]:
        if data is None:
            return {}
        if not isinstance(data, Mapping):
            self.error(path, _("must be a mapping of keys to values"))
            return {}
        return data

    def items(self, data: Any, path: str) -> list[Any]:
        if data is None:
            return []
        if not isinstance(data, list):
            self.error(path, _("must be a list"))
            return []
        return data

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        numbers: bool = False,
    ) -> str:
        """Text; a bare number is refused unless `numbers`, because YAML changes it silently
        (a phone number 0271123456 reads as an octal number, a region code 33.10 as 33.1)."""
        value = data.get(key)
        where = join(path, key)
        if value is None or value == "":
            if required:
                self.error(where, _("is required"))
            return ""
        if numbers and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.error(where, _("must be text; put it in quotes"))
            return ""
        return value.strip()

    def bilingual(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> dict[str, str]:
        """Text in Indonesian and, optionally, English: a string or {id: ..., en: ...}."""
        value = data.get(key)
        where = join(path, key)
        if isinstance(value, Mapping):
            unknown = set(value) - {"id", "en"}
            if unknown:
                self.error(where, _("languages must be 'id' and 'en'"))
            result = {
                "id": self.text(value, "id", where),
                "en": self.text(value, "en", where),
            }
        elif value is None or isinstance(value, str):
            result = {"id": (value or "").strip(), "en": ""}
        else:
            self.error(where, _("must be text, or a mapping with 'id' and 'en'"))
            return {"id": "", "en": ""}
        if required and not result["id"]:
            self.error(where, _("the Indonesian text is required"))
        return result

    def integer(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        default: int = 0,
    ) -> int:
        value = data.get(key)
        where = join(path, key)
        if value is None or value == "":
            if required:
                self.error(where, _("is required"))
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(where, _("must be a whole number"))
            return default
        if minimum is not None and value < minimum:
            if minimum == 1:
                self.error(where, _("must be greater than zero"))
            else:
                self.error(where, _("must be at least %(minimum)d") % {"minimum": minimum})
        return value

    def boolean(self, data: Mapping[str, Any], key: str, path: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(join(path, key), _("must be true or false"))
            return default
        return value

    def choice(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        choices: tuple[str, ...],
        *,
        default: str | None = None,
    ) -> str:
        value = data.get(key, default)
        if value is None:
            self.error(join(path, key), _("is required"))
            return ""
        if value not in choices:
            self.error(
                join(path, key),
                _("unknown value '%(value)s'; use one of: %(choices)s")
                % {"value": value, "choices": ", ".join(choices)},
            )
            return str(value)
        return str(value)

    def unknown_keys(self, data: Mapping[str, Any], allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                self.error(join(path, str(key)), _("unknown key"))


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def index(path: str, i: int) -> str:
    return f"{path}[{i}]"
