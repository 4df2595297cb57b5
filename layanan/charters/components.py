"""The fourteen components of a service standard (UU 25/2009 Pasal 21), as a public
consultation names them: what a citizen comments on, supports or opposes, and what a draft
changes compared with the version in force.

Pure: no database. A component gathers the stored keys it is made of (the requirements with
the form that collects them; the time limit with when its clock starts). A comment may point
at a whole component (`requirements`) or at one item of it: a requirement
(`requirements.ktp`) or a step of the procedure (`procedure.verifikasi`). Stances are taken on
whole components only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from layanan.charters.spec import text_in


@dataclass(frozen=True)
class Component:
    letter: str  # a … n, as Pasal 21 lists them
    key: str
    label: Promise
    keys: tuple[str, ...]  # the stored keys of a charter's content it is made of
    delivery: bool  # PermenPAN-RB 15/2014: shown to the public first


COMPONENTS: tuple[Component, ...] = (
    Component("a", "legal_basis", _("Legal basis"), ("legal_basis",), False),
    Component("b", "requirements", _("Requirements"), ("requirements", "form"), True),
    Component("c", "procedure", _("System, mechanism and procedure"), ("procedure",), True),
    Component("d", "time_limit", _("Time limit"), ("time_limit", "clock_starts"), True),
    Component("e", "fee", _("Fee"), ("fee",), True),
    Component("f", "product", _("Product of the service"), ("product",), True),
    Component("g", "facilities", _("Facilities and infrastructure"), ("facilities",), False),
    Component("h", "competence", _("Competence of the executors"), ("competence",), False),
    Component(
        "i", "internal_supervision", _("Internal supervision"), ("internal_supervision",), False
    ),
    Component("j", "complaints", _("Handling of complaints"), ("complaints",), True),
    Component("k", "executors", _("Number of executors"), ("executors",), False),
    Component("l", "guarantee", _("Service guarantee"), ("guarantee",), True),
    Component("m", "security", _("Security and safety guarantee"), ("security",), False),
    Component(
        "n",
        "performance_evaluation",
        _("Evaluation of the executors' performance"),
        ("performance_evaluation",),
        False,
    ),
)
BY_KEY: dict[str, Component] = {c.key: c for c in COMPONENTS}


def part_of(content: Mapping[str, Any], component: str) -> dict[str, Any]:
    """The stored values a component is made of, from a charter's content."""
    return {key: content.get(key) for key in BY_KEY[component].keys}


def changed(draft: Mapping[str, Any], in_force: Mapping[str, Any] | None) -> list[str]:
    """Keys of the components the draft changes, in the order of Pasal 21 (all of them when
    there is no version in force)."""
    return [
        c.key
        for c in COMPONENTS
        if in_force is None or part_of(draft, c.key) != part_of(in_force, c.key)
    ]


def items_of(content: Mapping[str, Any], component: str, language: str) -> list[tuple[str, str]]:
    """The items of a component a comment may point at: (target, name)."""
    if component == "requirements":
        return [
            (f"requirements.{r['key']}", text_in(r.get("name"), language))
            for r in content.get("requirements", [])
        ]
    if component == "procedure":
        return [
            (f"procedure.{step['key']}", text_in(step.get("name"), language))
            for stage in content.get("procedure", {}).get("stages", [])
            for step in stage.get("steps", [])
        ]
    return []


def targets(
    draft: Mapping[str, Any], in_force: Mapping[str, Any] | None, language: str
) -> dict[str, str]:
    """Every target a comment on this draft may name, with a name to show: the components,
    and the requirements and steps of the draft and of the version in force (a comment may
    be about an item the draft removes)."""
    names: dict[str, str] = {}
    for component in COMPONENTS:
        names[component.key] = f"{component.letter}. {component.label}"
        for content in (draft, in_force or {}):
            for target, name in items_of(content, component.key, language):
                names.setdefault(target, f"{component.label}: {name}")
    return names


def component_of(target: str) -> str:
    """The component a target belongs to (`requirements.ktp` → `requirements`)."""
    return target.split(".", 1)[0]
