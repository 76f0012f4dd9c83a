"""Incremental building: what a build may take from an earlier one, and why not.

stamps.py tells a file unchanged without reading it; fresh.py keeps the
record of the last written build (is the output up to date, what can be
kept); cache.py keeps each source's parsed article by content hash;
deps.py decides which pages a change makes stale, and why. The dev server's
in-memory reuse is pipeline.Reuse; the spare tree is output.write's. See
../ARCHITECTURE.md for the four reuse layers and the words they use.
"""
