"""Public tracking numbers (nomor registrasi / nomor lacak) for applications and complaints.

Shown as ``7KQ4-M9TX-4C`` or, with a prefix of up to three symbols, ``KTP-7KQ4-M9TX-4C``: at
most 16 characters with the hyphens. The normalised form has no hyphens: ``KTP7KQ4M9TX4C``.

Alphabet: 29 symbols, ``23456789ABCDEFGHJKMNPQRSTVWXY``. This is Crockford's base-32 alphabet
without the digits 0 and 1 (so that O, I and L, already absent, can never be confused with
anything in a number), and without Z, which is too easily read as 2. U stays out, as in
Crockford's, to keep accidental words down. 29 is prime, which the check symbol needs.

Look-alikes a person may type are mapped by `normalise`: lowercase to uppercase, Z to 2 and U to
V. O, 0, I, L and 1 are never part of a number and have no single look-alike in the alphabet,
so text containing them is rejected rather than guessed at.

Check symbol (the last one): the symbols' values (their index in the alphabet) are weighted
1, 2, 3, ... from the right, the check symbol having weight 1, and the check symbol is chosen so
that the weighted sum is 0 modulo 29. Because 29 is prime and every weight is between 1 and 28
(a normalised number has at most 13 symbols):

- a single substitution changes the sum by w·(a-b), never 0 mod 29, since 0 < |a-b| < 29;
- swapping any two symbols at distance d changes it by d·(a-b), never 0 mod 29 either; in
  particular every transposition of two adjacent symbols (d = 1) is caught.

The prefix is covered by the check symbol too. A random wrong number passes with probability
1/29.

Randomness: 9 symbols drawn with `secrets`, so numbers cannot be guessed by counting. That is
29**9 = 14,507,145,975,869 possible numbers per prefix (43.7 bits). With 10 million numbers
issued, a new number equals an existing one with probability 6.9e-7, and the chance that at least
one such collision happens over the 10 million is about 97% (about 3.4 expected): callers store
numbers under a unique constraint and draw again on a collision. The same figure bounds
guessing: a random well-formed guess hits one of 10 million live numbers with probability 6.9e-7,
so the public tracking page must still be rate-limited and show little.
"""

from __future__ import annotations

import secrets

__all__ = [
    "ALPHABET",
    "MAX_PREFIX_LENGTH",
    "RANDOM_LENGTH",
    "check_symbol",
    "format",
    "is_valid",
    "new_tracking_number",
    "normalise",
]

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXY"
RANDOM_LENGTH = 9
MAX_PREFIX_LENGTH = 3
_MODULUS = len(ALPHABET)  # 29, prime
_BODY_LENGTH = RANDOM_LENGTH + 1  # random symbols and the check symbol
_GROUP = 4
_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
_LOOK_ALIKES = str.maketrans({"Z": "2", "U": "V"})
# Separators people type inside a number: whitespace (checked separately) and dashes, including
# the typographic ones that word processors and phones substitute for "-".
_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")


def new_tracking_number(*, prefix: str = "") -> str:
    """Draw a new random tracking number and return its display form, e.g. "KTP-7KQ4-M9TX-4C".

    `prefix` is up to three symbols of `ALPHABET` (so "KTP" or "SKM", but not "LYN": L is not
    in the alphabet); it is part of the number and of its check. The caller stores the number
    under a unique constraint and calls again on a collision.
    """
    _ensure_prefix(prefix)
    payload = prefix + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return format(payload + check_symbol(payload))


def normalise(text: str) -> str | None:
    """Return the number in `text` as uppercase symbols without separators, or None.

    Removes whitespace and dashes, uppercases, maps Z to 2 and U to V. Returns None when a
    character is left that is not in `ALPHABET` (including O, 0, I, L, 1) or when the length
    cannot be that of a number. The check symbol is not verified: see `is_valid`.
    """
    kept = "".join(ch for ch in text if not ch.isspace() and ch not in _SEPARATORS)
    if not kept.isascii():  # before upper(): "ß".upper() is "SS"
        return None
    number = kept.upper().translate(_LOOK_ALIKES)
    if not _is_symbols(number):
        return None
    if not _BODY_LENGTH <= len(number) <= _BODY_LENGTH + MAX_PREFIX_LENGTH:
        return None
    return number


def is_valid(text: str, *, prefix: str | None = None) -> bool:
    """True when `text` normalises to a number whose check symbol is right.

    With `prefix`, the number must also carry exactly that prefix; this also catches a symbol
    typed twice or left out, which the check symbol alone catches only 28 times in 29.
    """
    number = normalise(text)
    if number is None:
        return False
    if prefix is not None:
        _ensure_prefix(prefix)
        if len(number) != len(prefix) + _BODY_LENGTH or not number.startswith(prefix):
            return False
    return _weighted_sum(number) == 0


def format(number: str) -> str:  # shadows the builtin, which this module does not need
    """Return the display form of a number: prefix, then groups of four, joined by hyphens.

    Accepts the normalised or any typed form; raises ValueError when `normalise` rejects it.
    The check symbol is not verified.
    """
    normalised = normalise(number)
    if normalised is None:
        raise ValueError("Not a tracking number.")
    split = len(normalised) - _BODY_LENGTH
    prefix, body = normalised[:split], normalised[split:]
    groups = [body[start : start + _GROUP] for start in range(0, len(body), _GROUP)]
    return "-".join([prefix, *groups] if prefix else groups)


def check_symbol(payload: str) -> str:
    """The check symbol to append to `payload` (prefix and random symbols, normalised)."""
    if not _is_symbols(payload) or not 1 <= len(payload) < _MODULUS - 1:
        raise ValueError("A payload is 1 to 27 symbols of the alphabet.")
    # The check symbol has weight 1, so its value is minus the payload's weighted sum.
    return ALPHABET[-_weighted_sum(payload + ALPHABET[0]) % _MODULUS]


def _weighted_sum(number: str) -> int:
    """Sum of value x weight, the weights being 1, 2, 3, ... from the right, modulo 29."""
    length = len(number)
    return sum((length - i) * _VALUES[symbol] for i, symbol in enumerate(number)) % _MODULUS


def _is_symbols(text: str) -> bool:
    return all(symbol in _VALUES for symbol in text)


def _ensure_prefix(prefix: str) -> None:
    if len(prefix) > MAX_PREFIX_LENGTH or not _is_symbols(prefix):
        raise ValueError(f"A prefix is up to {MAX_PREFIX_LENGTH} symbols of {ALPHABET}.")
