"""Every public name of the package is listed in ``__all__``, and the package says it is typed:
a name cannot become public by accident (an import left at module level, a helper without an
underscore), and type checkers read the package's own annotations."""

import importlib.resources
import types

import suitability


def _public_names() -> set[str]:
    # The package imports its public names lazily (PEP 562): reach each one first, so that the
    # comparison sees them all, and anything else public beside them.
    for name in suitability.__all__:
        getattr(suitability, name)
    return {
        name
        for name, value in vars(suitability).items()
        if not name.startswith("_")
        # Submodules become attributes of the package as they are imported; they are internal
        # (the package docstring says so) and reached by their dotted name.
        and not (isinstance(value, types.ModuleType) and value.__name__.startswith("suitability."))
    }


def test_every_public_name__is_in_all() -> None:
    assert _public_names() == set(suitability.__all__) - {"__version__"}


def test_no_module_from_outside__is_a_public_name() -> None:
    leaked = {
        name
        for name, value in vars(suitability).items()
        if not name.startswith("_")
        and isinstance(value, types.ModuleType)
        and not value.__name__.startswith("suitability.")
    }
    assert leaked == set()


def test_package__ships_py_typed() -> None:
    assert importlib.resources.files("suitability").joinpath("py.typed").is_file()
