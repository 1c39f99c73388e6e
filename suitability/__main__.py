"""``python -m suitability``: the same as the ``suitability`` command."""

from ._entry import main

raise SystemExit(main())
