"""Imported only as the forkserver's preload: the renderer is loaded once before the workers fork, and
the forkserver ends with the build that started it."""
from . import workers  # noqa: F401  (what every worker needs, imported once)
from .lifeline import tie_forkserver_to_build

tie_forkserver_to_build()
