"""The demo data, one module per app (and <app>_<part> for its larger parts), loaded by
`manage.py seed_demo` (devtools/management/commands/seed_demo.py)."""
