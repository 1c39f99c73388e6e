# Sourced by scripts/screen and scripts/check: finds a supported Python (3.10-3.12, the range
# durable-rules 2.0.28 imports on), creates .venv and installs the project when pyproject changes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

pick_python() {
    local cand
    for cand in ${SUITABILITY_PYTHON:-} python3.11 python3.12 python3.10 python3; do
        if command -v "$cand" >/dev/null 2>&1 &&
            "$cand" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 12) else 1)' 2>/dev/null; then
            echo "$cand"
            return 0
        fi
    done
    return 1
}

if [ ! -x .venv/bin/python ]; then
    py="$(pick_python)" || {
        echo "suitability needs Python 3.10, 3.11 or 3.12 (durable-rules 2.0.28 does not import on 3.13); none was found." >&2
        exit 1
    }
    "$py" -m venv .venv
fi

stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "Setting up .venv (first run only)..." >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]" >&2
    rm -f .venv/.installed-*
    touch "$stamp"
fi
