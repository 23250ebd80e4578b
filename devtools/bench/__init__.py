"""The benchmark scenarios and data generators, one module per app (devtools.benchmark
finds them; `<app>_<part>.py` for an app whose parts are built separately)."""
