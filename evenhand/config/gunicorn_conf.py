"""gunicorn settings for evenhand (`gunicorn -c python:evenhand.config.gunicorn_conf ...`).

Values come from the environment so one file serves every deployment; docs/operations.md
explains each. Threads let a worker keep serving while one request waits on the database.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("EVENHAND_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("EVENHAND_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("EVENHAND_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("EVENHAND_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, bounding any slow leak.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("EVENHAND_ACCESS_LOG", "-")
errorlog = "-"
wsgi_app = "evenhand.config.wsgi:application"
