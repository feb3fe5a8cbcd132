"""The render benchmark (``python -m production.bench``, ``make bench``) and the measurements it makes."""
