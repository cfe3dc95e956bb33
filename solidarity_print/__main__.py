"""`python -m solidarity_print` runs the command line."""
from .cli import main

main()
