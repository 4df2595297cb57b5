"""Finding an account from what a person types to name it: a user name, an email address, or
a phone number written in any usual way.

Sign-in (web and API) and the counter's citizen search share these rules:

- a text that reads as an Indonesian phone number (``0812 3456 7890``, ``+62 812-3456-7890``)
  is looked up by the stored E.164 number first; phone numbers are unique per account;
- otherwise, or when no account has that number, by user name or email address, both without
  regard to case (accounts made before phone numbers were stored in E.164 have their number,
  as then written, for a user name);
- an email address that two accounts share names nobody: the caller must not guess.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Lower

from layanan.accounts.models import User
from layanan.lib.phone import try_normalise

# Longer than any address, number or name we store (and SQLite refuses very long LIKE patterns).
MAX_IDENTIFIER_LENGTH = 254


def canonical_identifier(text: str) -> str:
    """One spelling for every writing of the same identifier: the E.164 form of a phone
    number, otherwise the text stripped and in lower case. Attempt counters use it, so that
    rewriting a number does not buy more guesses."""
    login = (text or "").strip()
    return try_normalise(login) or login.lower()


def _phone_is(phone: str) -> Q:
    # The "not empty" term lets SQLite use the partial unique index on phone.
    return Q(phone=phone) & ~Q(phone="")


def _named(text: str) -> Q:
    """User name or email equal to `text` without regard to case, through the indexes on the
    folded columns (a plain `iexact` is a LIKE on SQLite, which no index serves)."""
    folded = Lower(Value(text))
    return Q(username_folded=folded) | Q(email_folded=folded)


def _accounts(exclude: User | None) -> QuerySet[User]:
    users = User.objects.alias(username_folded=Lower("username"), email_folded=Lower("email"))
    return users.exclude(pk=exclude.pk) if exclude is not None else users


def users_named(text: str) -> list[User]:
    """The accounts (at most two) that answer to `text`: the one with that phone number, or
    those whose user name or email address it is. Two means "ambiguous"."""
    login = (text or "").strip()
    if not login or len(login) > MAX_IDENTIFIER_LENGTH:
        return []
    phone = try_normalise(login)
    if phone is not None:
        by_phone = User.objects.filter(_phone_is(phone)).first()
        if by_phone is not None:
            return [by_phone]
    return list(_accounts(None).filter(_named(login)).order_by("pk")[:2])


def find_user_by_identifier(text: str) -> User | None:
    """The one account that answers to `text`, or None when none does or more than one does."""
    users = users_named(text)
    return users[0] if len(users) == 1 else None


def phone_taken(phone: str, *, exclude: User | None = None) -> bool:
    """Whether another account already has this E.164 number (or has it as its user name)."""
    return _accounts(exclude).filter(_phone_is(phone) | Q(username=phone)).exists()


def email_taken(email: str, *, exclude: User | None = None) -> bool:
    """Whether another account already signs in with this email address."""
    return _accounts(exclude).filter(_named(email)).exists()


def accounts_using(*, email: str = "", phone: str = "") -> list[User]:
    """The accounts that already sign in with this email address or this E.164 number (as
    their number or as their user name): whom sign-up tells "you already have an account"."""
    found: dict[int, User] = {}
    if email:
        found.update((user.pk, user) for user in _accounts(None).filter(_named(email))[:2])
    if phone:
        taken = User.objects.filter(_phone_is(phone) | Q(username=phone))
        found.update((user.pk, user) for user in taken[:2])
    return sorted(found.values(), key=lambda user: user.pk)
