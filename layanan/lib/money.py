"""Money is an integer number of rupiah; this is how it is written for people."""


def digits(amount: int) -> str:
    """75000 → "75.000" (Indonesian thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def rupiah(amount: int) -> str:
    """75000 → "Rp75.000"."""
    return "Rp" + digits(amount)


def per_day_amount(per_day: int, cap: int, days_late: int) -> int:
    """A compensation of `per_day` rupiah for each working day late, at least one day (it is
    owed only once late), never more than `cap`."""
    return min(cap, per_day * max(1, days_late))
