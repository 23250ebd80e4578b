import json
import os
import platform
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from tqdm import tqdm

from apps.accounts.models import User
from devtools import benchmark


class Command(BaseCommand):
    help = "Fill PostgreSQL with synthetic data at a scale and time every registered scenario."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(benchmark.SCALES),
            default=os.environ.get("BENCH_SCALE", "small"),
        )
        parser.add_argument("--repeat", type=int, default=200, help="requests per scenario")
        parser.add_argument("--output", default="bench-results.json")
        parser.add_argument(
            "--only",
            default=os.environ.get("BENCH_ONLY", ""),
            help="comma-separated apps (e.g. stations,cases) whose data and scenarios run; "
            "name the apps a scenario's data stands on too. Default: every app.",
        )
        parser.add_argument(
            "--match",
            default=os.environ.get("BENCH_MATCH", ""),
            help="comma-separated parts of scenario names: only the scenarios whose name "
            "holds one of them run (the data of every app named by --only is still made).",
        )

    def handle(self, *args, scale, repeat, output, only, match, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "The benchmark runs on PostgreSQL: set DATABASE_URL to a "
                "postgres:// URL (make bench does)."
            )
        self._ensure_database()
        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
        benchmark.autodiscover()
        benchmark.registry.keep_scale(scale)
        if only:
            # A full-scale run of every app takes an hour: one issue's numbers need its apps.
            benchmark.registry.keep_only({app.strip() for app in only.split(",")})
        if match:
            benchmark.registry.keep_matching([part.strip() for part in match.split(",")])
        sizes = benchmark.SCALES[scale]
        for generate in benchmark.registry.generators:
            generate(sizes, progress=lambda **kw: tqdm(unit="rows", **kw))
        with connection.cursor() as cursor:
            # What autovacuum does to freshly loaded tables in production (the statistics,
            # and the visibility map that lets a COUNT read the index alone), done before
            # the timings rather than during them (and where autovacuum is off).
            cursor.execute("VACUUM (ANALYZE)")

        results = [self._request(s, repeat) for s in benchmark.registry.requests]
        results += [self._batch(s) for s in benchmark.registry.batches]
        results += [self._delivery(s) for s in benchmark.registry.deliveries]
        self._print(results)
        report = {
            "scale": scale,
            "sizes": sizes,
            "only": only,
            "match": match,
            "repeat": repeat,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": self._machine(),
            "postgres": self._postgres_version(),
            "commit": self._commit(),
            "results": results,
        }
        Path(output).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        self.stdout.write(f"Results written to {output}.")

    def _request(self, scenario, repeat):
        client = Client(SERVER_NAME="localhost")  # an allowed host, as in the demo
        client.force_login(User.objects.get(username=scenario.persona))
        if scenario.fresh:  # asked again before each request
            url, body = scenario.url, scenario.body
        else:
            url = scenario.url()
            body = scenario.body() if scenario.body else None
        samples, queries = benchmark.time_request(client, url, repeat, body=body)
        result = {
            "scenario": scenario.name,
            "kind": "request",
            "url": url() if callable(url) else url,
            "queries": queries,
            **benchmark.summarise(samples),
        }
        if scenario.sql:
            sql, params = scenario.sql()
            baseline = benchmark.summarise(benchmark.time_sql(sql, params, repeat))
            result["sql_p50_ms"] = baseline["p50_ms"]
            result["ratio"] = round(result["p50_ms"] / max(baseline["p50_ms"], 0.001), 1)
        return result

    def _batch(self, scenario):
        samples = []
        for _ in range(5):
            if scenario.setup:
                scenario.setup()
            with benchmark.as_deployed():
                start = time.perf_counter()
                scenario.run()
                samples.append(time.perf_counter() - start)
        sql, params = scenario.sql()
        baseline = benchmark.summarise(benchmark.time_sql(sql, params, 5, setup=scenario.sql_setup))
        result = {
            "scenario": scenario.name,
            "kind": "batch",
            **benchmark.summarise(samples),
            "sql_p50_ms": baseline["p50_ms"],
        }
        result["ratio"] = round(result["p50_ms"] / max(baseline["p50_ms"], 0.001), 1)
        if scenario.items:
            # The sustained rate of the median run, e.g. points/s against the target.
            result["items"] = scenario.items
            result["unit"] = scenario.unit
            result["per_s"] = benchmark.per_second(scenario.items, result["p50_ms"])
        return result

    def _delivery(self, scenario):
        samples, details = scenario.run()
        return {
            "scenario": scenario.name,
            "kind": "delivery",
            **benchmark.summarise(samples),
            **details,
        }

    def _print(self, results):
        header = (
            f"{'scenario':44} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} "
            f"{'SQL p50':>8} {'ratio':>6} {'rate':>20}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            rate = f"{r['per_s']:,} {r['unit']}/s" if "per_s" in r else "–"
            self.stdout.write(
                f"{r['scenario']:44} {r['p50_ms']:>8} {r['p95_ms']:>8} "
                f"{r.get('queries', '–')!s:>7} {r.get('sql_p50_ms', '–')!s:>8} "
                f"{r.get('ratio', '–')!s:>6} {rate:>20}"
            )

    def _ensure_database(self):
        params = settings.DATABASES["default"]
        with psycopg.connect(
            dbname="postgres",
            user=params["USER"],
            password=params.get("PASSWORD") or None,
            host=params.get("HOST") or None,
            port=params.get("PORT") or None,
            autocommit=True,
        ) as maintenance:
            exists = maintenance.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [params["NAME"]]
            ).fetchone()
            if not exists:
                maintenance.execute(f'CREATE DATABASE "{params["NAME"]}"')

    @staticmethod
    def _machine():
        memory_kb = 0
        meminfo = Path("/proc/meminfo")
        if meminfo.exists():
            for line in meminfo.read_text().splitlines():
                if line.startswith("MemTotal:"):
                    memory_kb = int(line.split()[1])
        return {
            "cores": os.cpu_count(),
            "memory_gib": round(memory_kb / 1024 / 1024, 1),
            "python": platform.python_version(),
            "platform": platform.platform(),
        }

    @staticmethod
    def _postgres_version():
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]

    @staticmethod
    def _commit():
        try:
            return subprocess.run(
                ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "unknown"
