from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.loadtest import (
    MAKE_DATABASE_SUFFIX,
    TEST_DATABASE_SUFFIX,
    driver,
    is_load_database,
)


class Command(BaseCommand):
    help = (
        "Load test (README, make loadtest): re-creates the database DATABASE_URL names (it "
        "must end in _loadtest, or _loadtest_test for the test's) and empties REDIS_URL's, "
        "seeds the demo, runs gunicorn, a Celery "
        "worker and locust's desk and tablet users against 127.0.0.1, then checks that "
        "nothing answered 5xx or failed and that no acknowledged submission is lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=float, default=10)
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--spawn-rate", type=float, default=5, help="users started a second")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
        parser.add_argument("--output", default=str(settings.BASE_DIR / "loadtest-results"))
        parser.add_argument(
            "--template",
            help="create the database as a copy of this migrated one (the test's template)",
        )

    def handle(self, *args, **options):
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.postgresql" or not settings.REDIS_URL:
            raise CommandError("The load test needs PostgreSQL (DATABASE_URL) and REDIS_URL.")
        # Never a real database, nor a test run's (pytest's are named test_…).
        name = database["NAME"]
        if not is_load_database(name):
            raise CommandError(
                f"The load test drops and re-creates its database: name one ending in "
                f"{MAKE_DATABASE_SUFFIX} (make loadtest) or {TEST_DATABASE_SUFFIX} (the test's) "
                f"and not starting with test_ (DATABASE_URL names {name!r})."
            )
        if not settings.DEBUG:
            raise CommandError(
                "Run it with DEBUG=true: the demo seeds only then (gunicorn runs without)."
            )
        report = driver.run(
            minutes=options["minutes"],
            users=options["users"],
            spawn_rate=options["spawn_rate"],
            workers=options["workers"],
            output=Path(options["output"]),
            template=options["template"],
            say=self.stdout.write,
        )
        self._print(report)
        if report.problems:
            raise CommandError("The load test failed:\n  " + "\n  ".join(report.problems))
        self.stdout.write(self.style.SUCCESS("No 5xx, no failed request, no lost submission."))

    def _print(self, report):
        header = (
            f"{'request':58} {'count':>7} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}"
        )
        self.stdout.write("\n" + header + "\n" + "-" * len(header))
        for row in report.rows:
            self.stdout.write(
                f"{row['request'][:58]:58} {row['count']:>7} {row['failures']:>5} "
                f"{row['p50']:>7} {row['p95']:>7} {row['max']:>7}"
            )
        if report.submissions:
            self.stdout.write(
                f"\n{'submission':12} {'acknowledged':>12} {'stored':>8} {'repeats':>8}"
            )
            for kind, (acked, stored) in report.submissions.items():
                repeats = report.repeats.get(kind, "")
                self.stdout.write(f"{kind:12} {acked:>12} {stored:>8} {repeats!s:>8}")
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(report.statuses.items()))
        self.stdout.write(f"\ngunicorn's answers by status: {statuses}")
