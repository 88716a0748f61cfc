"""On-demand benchmarks for evenhand (never part of the test suite).

Each benchmark prints its figures as ratios against a baseline measured in the same run; the
latest figures and the commands that produced them are kept in bench/RESULTS.md.
"""
