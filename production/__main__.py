"""``python -m production`` runs the command line."""

import sys

from production.cli import main

sys.exit(main())
