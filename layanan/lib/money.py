"""Money is an integer number of rupiah; this is how it is written for people."""


def digits(amount: int) -> str:
    """75000 → "75.000" (Indonesian thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def rupiah(amount: int) -> str:
    """75000 → "Rp75.000"."""
    return "Rp" + digits(amount)
