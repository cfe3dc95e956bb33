"""solidarity-print: print-ready, accessible Solidarity Week materials from a campaign file and a roster."""
from .errors import InputError, Problem, RenderError, SolidarityError

__version__ = "0.1.0"

__all__ = ["InputError", "Problem", "RenderError", "SolidarityError", "__version__"]
