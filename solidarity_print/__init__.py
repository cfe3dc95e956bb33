"""solidarity-print: print-ready, accessible Solidarity Week materials from a campaign file and a roster."""
from .build import BuildOptions, BuildResult, build
from .errors import InputError, OptionError, OutputError, Problem, RenderError, SolidarityError
from .inputs.config import load_campaign
from .inputs.roster import load_roster
from .pdf.packet import PacketOptions
from .pipeline.output import ManifestEntry

__version__ = "0.1.0"

__all__ = ["BuildOptions", "BuildResult", "InputError", "ManifestEntry", "OptionError", "OutputError",
           "PacketOptions", "Problem", "RenderError", "SolidarityError", "__version__", "build",
           "load_campaign", "load_roster"]
