"""python -m chainrule.server.cli"""

from . import main

raise SystemExit(main())
