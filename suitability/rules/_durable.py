"""durable-rules built without what this Python needs, said in one line with the command that
rebuilds it. Kept apart from the engine module, which loads the rule models: a command checks
here at start, for under a millisecond, before it asks or writes anything."""

from __future__ import annotations

from ..errors import EngineBuildError

__all__ = ["check_durable", "not_built_for_this_python", "rebuild_command"]

#: The C API function durable-rules 2.0.28 calls and Python 3.13 removed; its replacement,
#: PyObject_CallObject, takes the same arguments, so a build told to read one as the other works.
_REMOVED_CALL = "PyEval_CallObject"


def not_built_for_this_python(exc: ImportError) -> EngineBuildError | None:
    """The error to raise instead of ``exc`` when it is the import failure of a durable-rules
    built without the define (the linker names the missing function); else None."""
    if _REMOVED_CALL not in str(exc):
        return None
    from .._messages import render

    return EngineBuildError(
        render("durable_not_built", {"removed": _REMOVED_CALL, "command": rebuild_command()})
    )


def check_durable() -> None:
    """Raises EngineBuildError now if durable-rules cannot load for that reason: its compiled
    module alone is loaded, which is where the import fails. Any other failure is left to the
    engine's own import, which reports it as before."""
    try:
        import durable_rules_engine  # noqa: F401
    except ImportError as exc:
        unbuilt = not_built_for_this_python(exc)
        if unbuilt is not None:
            raise unbuilt from None


def rebuild_command() -> str:
    """The shell command that rebuilds durable-rules for this interpreter: with the define, and
    bypassing pip's cache, which may hold the wheel that was built without it. The compiler is
    the one the person set in CC, else the one this Python was built with (what pip would use)."""
    import os
    import shlex
    import sys
    import sysconfig

    compiler = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    cc = f"{compiler} -D{_REMOVED_CALL}=PyObject_CallObject"
    return (
        f"CC={shlex.quote(cc)} {shlex.quote(sys.executable)} -m pip install --no-cache-dir "
        f"--no-binary durable-rules --force-reinstall --no-deps {shlex.quote(_durable_pin())}"
    )


def _durable_pin() -> str:
    """durable-rules as the installed project requires it (pyproject.toml states it once)."""
    from importlib import metadata

    try:
        requires = metadata.requires("suitability") or []
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare source tree
        requires = []
    for req in requires:
        name = req.split(";")[0].replace(" ", "")
        if name.lower().replace("_", "-").startswith("durable-rules"):
            return name
    return "durable-rules"  # pragma: no cover - the project always requires it
