"""Development tools, not part of the product: the demo data (`manage.py seed_demo`,
`make demo`), the benchmark (`make bench`) and the load test (`make loadtest`).

Production neither installs nor imports this package: the Docker image leaves it out
(.dockerignore) and the settings add the app only when it is importable and DEBUG (or
DEV_TOOLS=true) is set. Nothing under `apps/` imports it (tests/core/test_devtools.py).
"""
