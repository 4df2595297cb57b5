#!/usr/bin/env bash
# Create the virtualenv with a Python >= 3.11 found on this machine and install the project.
set -euo pipefail
venv=${1:-.venv}
found=()
python=""
for candidate in python3.13 python3.12 python3.11 python3 python; do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    version=$("$path" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
    found+=("$candidate=$version")
    if "$path" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python=$path
        break
    fi
done
if [ -z "$python" ]; then
    echo "Layanan needs Python 3.11 or newer. Found: ${found[*]:-no python at all}." >&2
    echo "Install Python 3.11+ (e.g. 'apt-get install python3') and run 'make setup' again." >&2
    exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
    echo "Creating $venv with $python ($("$python" --version))"
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]"
echo "Installed Layanan and its development tools into $venv"
