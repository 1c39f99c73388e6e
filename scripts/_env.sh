# Sourced by scripts/screen, scripts/serve and scripts/check. Finds the supported Pythons (3.10-3.12, the range
# durable-rules 2.0.28 imports on) on PATH and under pyenv, and sets up one virtual environment
# per Python, installing the project into it again whenever pyproject.toml changes.
#
# After sourcing: `pythons` maps "3.X" to an interpreter, `oldest` and `newest` name the oldest
# and newest found, and `venv_for 3.X` prints (and sets up) the environment for that version:
# `.venv` when `.venv` already runs it (or does not exist yet), else `.venv-3.X`.
# `browser_for_tests` finds (or, as root, installs) the Chromium the browser tests drive.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# "3.X" when the interpreter runs and is supported, nothing otherwise. A pyenv shim for a
# version that is installed but not selected exists on PATH and fails when run: running it is
# the only reliable test.
_supported_version() {
    "$1" -c 'import sys; v = sys.version_info[:2]
sys.exit(1) if not (3, 10) <= v <= (3, 12) else print("%d.%d" % v)' 2>/dev/null
}

_candidates() {
    local cand pyroot
    for cand in ${SUITABILITY_PYTHON:-} python3.12 python3.11 python3.10 python3; do
        command -v "$cand" 2>/dev/null || true
    done
    pyroot="$( (command -v pyenv >/dev/null 2>&1 && pyenv root 2>/dev/null) || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
    for cand in "$pyroot"/versions/3.1[0-2].*/bin/python3.1[0-2]; do
        if [ -x "$cand" ]; then echo "$cand"; fi
    done
}

declare -A pythons=()
while IFS= read -r cand; do
    ver="$(_supported_version "$cand")" || continue
    if [ -z "${pythons[$ver]:-}" ]; then pythons[$ver]="$cand"; fi
done < <(_candidates)

if [ "${#pythons[@]}" -eq 0 ]; then
    echo "suitability needs Python 3.10, 3.11 or 3.12 (durable-rules 2.0.28 does not import on 3.13); none was found." >&2
    exit 1
fi
versions="$(printf '%s\n' "${!pythons[@]}" | sort -t. -k2,2n)"
oldest="$(head -n1 <<<"$versions")"
newest="$(tail -n1 <<<"$versions")"

_venv_version() {
    if [ -x "$1/bin/python" ]; then _supported_version "$1/bin/python" || true; fi
}

# Creates the environment in $1 with the interpreter $2 if missing, and installs the project.
_setup_venv() {
    local dir="$1" py="$2" stamp
    if [ ! -x "$dir/bin/python" ]; then
        "$py" -m venv "$dir"
    fi
    stamp="$dir/.installed-$(sha256sum <pyproject.toml | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        echo "Setting up $dir (first run only)..." >&2
        "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
        "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]" >&2
        rm -f "$dir"/.installed-*
        touch "$stamp"
    fi
}

venv_for() {
    local ver="$1" dir=".venv-$1" have
    have="$(_venv_version .venv)"
    if [ "$have" = "$ver" ] || { [ -z "$have" ] && [ ! -e .venv ]; }; then
        dir=".venv"
    fi
    _setup_venv "$dir" "${pythons[$ver]}"
    echo "$dir"
}

# .venv, for the screening: kept as it is when it runs a supported Python, else made with the
# newest one found.
main_venv() {
    local have
    have="$(_venv_version .venv)"
    if [ -z "$have" ]; then
        rm -rf .venv
        have="$newest"
    fi
    _setup_venv .venv "${pythons[$have]:-${pythons[$newest]}}"
    echo ".venv"
}

# Exports SUITABILITY_CHROMIUM, the Chromium the browser tests drive: the one it already names,
# else the system's; when there is none and this runs as root, the system's package manager
# installs it. Playwright's own browser download is never used (its servers are not reachable
# from every machine, and the system's package gets security updates).
browser_for_tests() {
    local found out
    if [ -n "${SUITABILITY_CHROMIUM:-}" ]; then
        if [ ! -x "$SUITABILITY_CHROMIUM" ]; then
            echo "SUITABILITY_CHROMIUM names $SUITABILITY_CHROMIUM, which is not an executable; point it at a Chromium, or unset it to use the system's." >&2
            exit 1
        fi
        export SUITABILITY_CHROMIUM
        return
    fi
    found="$(_system_chromium)"
    if [ -z "$found" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Chromium for the browser tests (apt-get install chromium)..." >&2
        if ! out="$( { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } </dev/null 2>&1)"; then
            echo "Installing Chromium with apt-get failed ($(tail -n1 <<<"$out")); install the 'chromium' package, or set SUITABILITY_CHROMIUM to a Chromium executable." >&2
            exit 1
        fi
        found="$(_system_chromium)"
    fi
    if [ -z "$found" ]; then
        echo "The browser tests need Chromium: install the 'chromium' package (sudo apt-get install chromium), or set SUITABILITY_CHROMIUM to a Chromium executable." >&2
        exit 1
    fi
    export SUITABILITY_CHROMIUM="$found"
}

_system_chromium() {
    local cand
    for cand in /usr/bin/chromium "$(command -v chromium 2>/dev/null || true)"; do
        if [ -n "$cand" ] && [ -x "$cand" ]; then
            echo "$cand"
            return
        fi
    done
}
