"""Analytic queries written once as portable SQL and run on DuckDB, PostgreSQL or Spark SQL.

Each query is a text file under ``sql/``. Parameters are named ``:name`` markers, bound by the
engine's driver (never formatted into the text); each runner only rewrites the marker syntax.
"""
