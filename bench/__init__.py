"""The performance benchmark behind `make bench`; see bench/run.py and docs/performance.md."""
