"""A draft beside the version in force, component by component, in words a citizen reads on a
phone: not a raw diff of stored data.

Every component is shown either as a list of items (requirements and form fields, the steps
of the procedure, the legal basis), compared item by item by key — added, removed, changed —
or as a text (the fee in rupiah, the time limit in words, the guarantee in sentences…),
compared word by word. A changed line carries its words as segments ("same", "ins", "del")
that the template marks with <ins> and <del>.

No database: the presenters turn stored values into words; the charters are unsaved
instances when only their content is known.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from layanan.charters import components, presenters
from layanan.charters.models import Charter, Service
from layanan.charters.spec import text_in

# one segment of a compared line: ("same" | "ins" | "del", text)
Segment = tuple[str, str]


@dataclass(frozen=True)
class Line:
    """One item or one text of a component, as it stands in the draft compared with the
    version in force: `change` is "same", "added", "removed" or "changed"."""

    key: str
    change: str
    before: str
    after: str
    segments: tuple[Segment, ...] = ()


@dataclass
class ComponentView:
    key: str
    letter: str
    label: str
    listed: bool  # a list of items (requirements, steps…) rather than a text
    changed: bool
    lines: list[Line] = field(default_factory=list)
    draft_lines: list[str] = field(default_factory=list)  # the whole component in the draft
    in_force_lines: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[Line]:
        return [line for line in self.lines if line.change != "same"]

    @property
    def unchanged_count(self) -> int:
        return sum(1 for line in self.lines if line.change == "same")


def text_of(value: Any) -> str:
    """A stored text in the page's language: a {"id", "en"} mapping, a plain string, a number."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return text_in(value, get_language() or "id")
    return str(value)


def word_segments(before: str, after: str) -> tuple[Segment, ...]:
    """The words of `after` with those removed from `before` and those added marked, in
    reading order, one space between words; the marks cover words, never the spaces."""
    old, new = before.split(), after.split()
    segments: list[Segment] = []

    def add(kind: str, words: list[str]) -> None:
        if not words:
            return
        if segments:
            segments.append(("same", " "))
        segments.append((kind, " ".join(words)))

    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            add("same", old[a1:a2])
            continue
        if op in ("delete", "replace"):
            add("del", old[a1:a2])
        if op in ("insert", "replace"):
            add("ins", new[b1:b2])
    return tuple(segments)


def compare_items(before: list[tuple[str, str]], after: list[tuple[str, str]]) -> list[Line]:
    """Items matched by key: the draft's order, then the removed ones."""
    old = dict(before)
    lines: list[Line] = []
    for key, text in after:
        if key not in old:
            lines.append(Line(key, "added", "", text))
        elif old[key] == text:
            lines.append(Line(key, "same", text, text))
        else:
            lines.append(Line(key, "changed", old[key], text, word_segments(old[key], text)))
    kept = {key for key, _text in after}
    lines.extend(Line(key, "removed", text, "") for key, text in before if key not in kept)
    return lines


# -- each component in words ------------------------------------------------------------------


def requirement_items(content: Mapping[str, Any]) -> list[tuple[str, str]]:
    items = []
    for r in content.get("requirements", []):
        words = [text_of(r.get("name"))]
        if r.get("required") is False:
            words.append(_("(optional)"))
        if r.get("kind") == "item":
            where = text_of(r.get("where"))
            words.append(_("brought in person") + (f": {where}" if where else ""))
        note = text_of(r.get("note"))
        if note:
            words.append(f"— {note}")
        items.append((f"requirements.{r.get('key')}", " ".join(words)))
    for f in content.get("form", []):
        words = [_("Form field:"), text_of(f.get("label"))]
        if f.get("required") is False:
            words.append(_("(optional)"))
        choices = [text_of(c.get("label")) for c in f.get("choices", []) if isinstance(c, Mapping)]
        if choices:
            words.append("(" + ", ".join(choices) + ")")
        items.append((f"form.{f.get('key')}", " ".join(words)))
    return items


def procedure_items(content: Mapping[str, Any]) -> list[tuple[str, str]]:
    items = []
    stages = content.get("procedure", {}).get("stages", [])
    for number, stage in enumerate(stages, start=1):
        for step in stage.get("steps", []):
            stage_name = text_of(stage.get("name"))
            limit = presenters.describe_limit(step.get("time_limit") or {})
            text = _("Stage %(n)d (%(stage)s): %(step)s, by %(unit)s, within %(limit)s") % {
                "n": number,
                "stage": stage_name,
                "step": text_of(step.get("name")),
                "unit": step.get("unit", ""),
                "limit": limit,
            }
            items.append((f"procedure.{step.get('key')}", text))
    return items


def legal_basis_items(content: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(text_of(ref), text_of(ref)) for ref in content.get("legal_basis", [])]


LISTED = {
    "legal_basis": legal_basis_items,
    "requirements": requirement_items,
    "procedure": procedure_items,
}


def component_text(content: Mapping[str, Any], key: str, service: Service) -> list[str]:
    """A component that is not a list, as the sentences the public pages use."""
    charter = Charter(service=service, content=dict(content))
    if key == "time_limit":
        limit = presenters.describe_limit(charter.time_limit)
        starts = (
            _("counted from the moment the file is complete")
            if content.get("clock_starts") == "file_complete"
            else _("counted from submission")
        )
        return [f"{limit}, {starts}"]
    if key == "fee":
        notice = presenters.fee_notice(charter)
        return [notice.text, *notice.how]
    if key == "product":
        product = content.get("product") or {}
        return [t for t in (text_of(product.get("name")), text_of(product.get("description"))) if t]
    if key == "complaints":
        handling = content.get("complaints") or {}
        days = int(handling.get("handling_days") or 0)
        return [
            text_of(handling.get("channel")),
            _("Answered within %(days)s") % {"days": presenters.describe_limit({"amount": days})},
        ]
    if key == "guarantee":
        guarantee = content.get("guarantee") or {}
        lines = [text_of(guarantee.get("statement"))]
        lines.extend(presenters.guarantee_sentences(charter))
        lines.append(text_of(guarantee.get("apology")))
        return [line for line in lines if line]
    return [text_of(content.get(key))] if content.get(key) not in (None, "") else []


def compare_component(
    draft: Mapping[str, Any],
    in_force: Mapping[str, Any] | None,
    key: str,
    service: Service,
) -> ComponentView:
    component = components.BY_KEY[key]
    changed = key in components.changed(draft, in_force)
    view = ComponentView(
        key=key,
        letter=component.letter,
        label=str(component.label),
        listed=key in LISTED,
        changed=changed,
    )
    if key in LISTED:
        items_after = LISTED[key](draft)
        items_before = LISTED[key](in_force) if in_force is not None else []
        view.lines = compare_items(items_before, items_after)
        view.draft_lines = [text for _key, text in items_after]
        view.in_force_lines = [text for _key, text in items_before]
        return view
    after = component_text(draft, key, service)
    before = component_text(in_force, key, service) if in_force is not None else []
    view.draft_lines, view.in_force_lines = after, before
    before_text, after_text = " ".join(before), " ".join(after)
    if before_text == after_text:
        view.lines = [Line(key, "same", before_text, after_text)] if after_text else []
    elif not before_text:
        view.lines = [Line(key, "added", "", after_text)]
    elif not after_text:
        view.lines = [Line(key, "removed", before_text, "")]
    else:
        view.lines = [
            Line(key, "changed", before_text, after_text, word_segments(before_text, after_text))
        ]
    return view


def compare(
    draft: Mapping[str, Any], in_force: Mapping[str, Any] | None, service: Service
) -> list[ComponentView]:
    """The fourteen components; those delivered to the public first (PermenPAN-RB 15/2014),
    then the others, each group in the order of Pasal 21."""
    ordered = sorted(components.COMPONENTS, key=lambda c: (not c.delivery, c.letter))
    return [compare_component(draft, in_force, c.key, service) for c in ordered]
