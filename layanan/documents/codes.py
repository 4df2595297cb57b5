"""Verification codes and what the public may see of a document's owner (pure functions).

A code is 12 characters of an alphabet without look-alikes (no 0/O, 1/I/L, U), in three groups
of four: 30^12 ≈ 2^58.9 codes (almost 59 random bits), too many to guess, short enough to
type from paper. Typed codes are read leniently: case, spaces and dashes do not matter.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
GROUP = 4


def new_code() -> str:
    return grouped("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def grouped(raw: str) -> str:
    return "-".join(raw[start : start + GROUP] for start in range(0, len(raw), GROUP))


def canonical(text: str) -> str | None:
    """The stored form of a typed code, or None when it cannot be one."""
    if len(text) > 40:
        return None
    raw = "".join(char for char in text.upper() if char not in " -\t")
    if len(raw) != LENGTH or any(char not in ALPHABET for char in raw):
        return None
    return grouped(raw)


def initials(full_name: str) -> str:
    """ "Siti Rahayu" -> "S. R.": the most of the owner a public page shows."""
    parts = [part for part in full_name.replace(".", " ").split() if part[:1].isalpha()]
    return " ".join(f"{part[0].upper()[0]}." for part in parts[:4])  # "ß" -> "S.", not "SS."
