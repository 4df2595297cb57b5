#!/usr/bin/env python
"""Same as the `layanan` console script, for those used to manage.py."""

from layanan.cli import main

if __name__ == "__main__":
    main()
