"""Open-data import, Parquet snapshots and read-only analytic queries.

Queries run on DuckDB and are kept portable to PostgreSQL and Spark.
"""
