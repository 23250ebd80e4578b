"""The load test behind `make loadtest` (README "Load test", issue 10 items 7 and 8).

- `stack`: the production processes on 127.0.0.1 — gunicorn with several workers and a
  Celery worker, DEBUG off, started and stopped within bounded times.
- `scenario`: inside the load database — the load users (desk and community officers of
  西彭 with their roster shifts, citizens with submitted applications) before the run, and
  afterwards the check of every submission the users saw acknowledged against the rows.
- `locustfile`: the users (run by locust in its own process: locust patches the standard
  library with gevent, so nothing of Django is imported there, nor locust here).
- `driver`: one run, from a fresh database to the table of p50/p95 per request type.
"""
