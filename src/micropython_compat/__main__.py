"""``python -m micropython_compat``: the ``micropython-compat`` command."""

from .cli import main

raise SystemExit(main())
