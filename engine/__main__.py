"""python -m chainrule: the same command as `chainrule`."""

from .server.cli import main

raise SystemExit(main())
