"""``python -m production.bench`` (``make bench``): the render benchmark, see production/bench/run.py."""

import sys

from production.bench.run import entry

sys.exit(entry())
