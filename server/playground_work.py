"""What the playground runs in a worker process (server/pool.py): only the
engine and orjson, as server/work.py, so a fresh worker starts quickly."""

from __future__ import annotations

import orjson
from chainrule.nets.playground import Setup, step


def step_json(setup: Setup) -> bytes:
    """The chunk, as JSON."""
    return orjson.dumps(step(setup))
