# Sourced by scripts/screen, scripts/serve and scripts/check. Finds the supported Pythons on PATH
# and under pyenv, and sets up one virtual environment per Python, installing the project into it
# again whenever pyproject.toml changes.
#
# After sourcing: `pythons` maps "3.X" to an interpreter, `newest` names the newest supported one
# found (or the one SUITABILITY_PYTHON names), `second` the other one the tests also run on (the
# version `python3` runs, which is what a newcomer has, else the oldest found; empty when there
# is no other), and `venv_for 3.X` prints (and sets up) its environment: `.venv` for `newest`,
# `.venv-3.X` for any other. `browser_for_tests` finds (or, as root, installs) the Chromium the
# browser tests drive.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# The Pythons verified here, stated once: pyproject.toml's requires-python and the package's
# start-up check say the same (tests/test_scripts_python.py holds them together). durable-rules
# 2.0.28, the last release, is built for each of them below; a newer Python is refused until it
# has been tried.
min_minor=10
max_minor=13
supported="3.$min_minor-3.$max_minor"

# Asks an interpreter, in one run, for "3.X<TAB>its identity<TAB>its executable"; nothing when it
# does not run. A pyenv shim for a version that is installed but not selected exists on PATH and
# fails when run: running it is the only reliable test. The identity (version and base prefix)
# is the same for an interpreter and for any virtual environment made with it.
_probe() {
    "$1" -c 'import sys
print("%d.%d" % sys.version_info[:2], "%s %s" % (sys.version.split()[0], sys.base_prefix),
      sys.executable, sep="\t")' 2>/dev/null
}

_is_supported() {
    local major="${1%%.*}" minor="${1#*.}"
    [ "$major" = 3 ] && [ "$minor" -ge "$min_minor" ] && [ "$minor" -le "$max_minor" ]
}

_is_newer() {
    local major="${1%%.*}" minor="${1#*.}"
    [ "$major" -gt 3 ] || { [ "$major" = 3 ] && [ "$minor" -gt "$max_minor" ]; }
}

# Interpreters to ask: python3.X on PATH, newest first, then python3, then pyenv's. pyenv's
# shims are left out (each costs a run of pyenv, and fails for a version not selected): the
# interpreters behind them are listed from pyenv's folder. python3 is asked whatever it is.
_candidates() {
    local cand name pyroot
    pyroot="$( (command -v pyenv >/dev/null 2>&1 && pyenv root 2>/dev/null) || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
    for name in $(compgen -c python3. | grep -E '^python3\.[0-9]+$' | sort -t. -k2,2nr -u); do
        cand="$(command -v "$name")" || continue
        case "$cand" in "$pyroot"/shims/*) ;; *) echo "$cand" ;; esac
    done
    echo python3
    # Plain python3.X only: not python3.X-config, nor a free-threaded python3.Xt.
    for cand in "$pyroot"/versions/3.*/bin/python3.*; do
        if [[ "$cand" =~ /python3\.[0-9]+$ ]] && [ -x "$cand" ]; then echo "$cand"; fi
    done
}

declare -A pythons=() newer=()
second=""
if [ -n "${SUITABILITY_PYTHON:-}" ]; then
    if ! found="$(_probe "$SUITABILITY_PYTHON")" || [ -z "$found" ]; then
        echo "SUITABILITY_PYTHON names $SUITABILITY_PYTHON, which does not run; name a Python $supported, or unset it to use the newest one found." >&2
        exit 1
    fi
    ver="${found%%$'\t'*}"
    if ! _is_supported "$ver"; then
        echo "SUITABILITY_PYTHON names $SUITABILITY_PYTHON, which is Python $ver; suitability supports Python $supported (durable-rules 2.0.28 is verified on those)." >&2
        exit 1
    fi
    pythons[$ver]="$(cut -f3 <<<"$found")"
    newest="$ver"
    oldest="$ver"
else
    own_found=""
    while IFS= read -r cand; do
        # Named for its version: not run when that version is too old, or already found.
        if [[ "$cand" =~ python3\.([0-9]+)$ ]]; then
            ver="3.${BASH_REMATCH[1]}"
            if [ "${BASH_REMATCH[1]}" -lt "$min_minor" ] || [ -n "${pythons[$ver]:-}${newer[$ver]:-}" ]; then
                continue
            fi
        fi
        found="$(_probe "$cand")" || continue
        [ -n "$found" ] || continue
        if [ "$cand" = python3 ]; then own_found="$found"; fi
        ver="${found%%$'\t'*}"
        if _is_supported "$ver"; then
            if [ -z "${pythons[$ver]:-}" ]; then pythons[$ver]="$(cut -f3 <<<"$found")"; fi
        elif _is_newer "$ver"; then
            if [ -z "${newer[$ver]:-}" ]; then newer[$ver]="$(cut -f3 <<<"$found")"; fi
        fi
    done < <(_candidates)
    if [ "${#pythons[@]}" -eq 0 ]; then
        if [ "${#newer[@]}" -gt 0 ]; then
            found="$(for ver in "${!newer[@]}"; do echo "$ver (${newer[$ver]})"; done | sort -t. -k2,2n | paste -sd, - | sed 's/,/, /g')"
            echo "suitability is verified on Python $supported, and only newer ones were found: $found; install a Python $supported (or name one with SUITABILITY_PYTHON)." >&2
        else
            echo "suitability needs Python $supported (durable-rules 2.0.28 is verified on those); none was found." >&2
        fi
        exit 1
    fi
    versions="$(printf '%s\n' "${!pythons[@]}" | sort -t. -k2,2n)"
    oldest="$(head -n1 <<<"$versions")"
    newest="$(tail -n1 <<<"$versions")"
    # The tests run on the very python3 a newcomer types, not another build of its version.
    own="${own_found%%$'\t'*}"
    if [ -n "$own" ] && [ -n "${pythons[$own]:-}" ]; then
        pythons[$own]="$(cut -f3 <<<"$own_found")"
    fi
    if [ -n "$own" ] && [ "$own" != "$newest" ] && [ -n "${pythons[$own]:-}" ]; then
        second="$own"
    elif [ "$oldest" != "$newest" ]; then
        second="$oldest"
    fi
fi

# The requirement durable-rules is pinned to, read from pyproject.toml (stated there once).
_durable_requirement() {
    grep -oE '"durable-rules==[^"]+"' pyproject.toml | tr -d '"'
}

# Creates the virtual environment $1 with the interpreter $2.
_make_venv() {
    "$2" -m venv "$1"
}

# Installs the project into the environment $1, which runs Python $2. durable-rules 2.0.28 calls
# PyEval_CallObject, which Python 3.13 removed: its replacement takes the same arguments, so the
# compiler is told to read one as the other (through CC, since its setup.py overwrites CFLAGS).
# pip's cache is bypassed: it may hold a wheel built without the define, which builds but fails
# at import. Already built right (it imports), it is left alone.
_install_project() {
    local dir="$1" ver="$2" cc
    local pip=("$dir/bin/python" -m pip install --quiet --disable-pip-version-check)
    "${pip[@]}" --upgrade pip >&2
    if [ "${ver#*.}" -ge 13 ] && ! "$dir/bin/python" -c 'import durable.engine' 2>/dev/null; then
        cc="${CC:-$("$dir/bin/python" -c 'import sysconfig; print(sysconfig.get_config_var("CC") or "cc")')}"
        CC="$cc -DPyEval_CallObject=PyObject_CallObject" "${pip[@]}" --no-cache-dir \
            --no-binary durable-rules --force-reinstall --no-deps "$(_durable_requirement)" >&2
    fi
    "${pip[@]}" -e ".[dev]" >&2
}

# Sets up the environment $1 for Python $2: made again when it was made with another interpreter
# than that one (or no longer runs), and the project installed whenever pyproject.toml changed.
_setup_venv() {
    local dir="$1" ver="$2" py="${pythons[$2]}" want have stamp
    want="$(_probe "$py" | cut -f2)"
    if [ -e "$dir" ]; then
        have="$(_probe "$dir/bin/python" | cut -f2)" || true
        if [ "$have" != "$want" ]; then
            if [ -n "$have" ]; then have="Python ${have%% *} (${have#* })"; fi
            echo "Rebuilding $dir with Python ${want%% *} ($py): it was made with ${have:-an interpreter that no longer runs}." >&2
            rm -rf "$dir"
        fi
    fi
    if [ ! -e "$dir" ]; then
        _make_venv "$dir" "$py"
    fi
    stamp="$dir/.installed-$(sha256sum <pyproject.toml | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        echo "Setting up $dir with Python $ver (first run only)..." >&2
        _install_project "$dir" "$ver"
        rm -f "$dir"/.installed-*
        touch "$stamp"
    fi
}

venv_for() {
    local dir=".venv"
    if [ "$1" != "$newest" ]; then dir=".venv-$1"; fi
    _setup_venv "$dir" "$1"
    echo "$dir"
}

# .venv, for the screening and the web app: the newest supported Python found, or the one
# SUITABILITY_PYTHON names.
main_venv() {
    venv_for "$newest"
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
