"""The load test's users, run by locust in its own process (`manage.py loadtest`; nothing
of Django is imported here). All work at 西彭派出所, in a station day's proportions:

- DeskOfficer (值班民警, browser session): takes an incident in (intake, then the post
  suggestions, then dispatch to the nearest post with one of its officers on duty), closes
  handled incidents (one in ten becomes a case), approves residence registrations, opens
  list pages; the incident board in a tab refreshes itself every 10 s (htmx).
- TabletOfficer (社区民警, device token; one in five pairs itself with POST
  /api/v1/auth/token/): polls its jobs and reports en route at once, then arrived and
  handled; plans, starts and walks patrols, uploading the GPS fixes in batches (a fix
  every ~3 s), now and then after an offline spell with the later batch first, and
  finishes them.
- CommandBoard (the command room's wall screen): the live board and the patrols under way
  every 5 s.

Every submission carries a client id (a patrol, which has none, carries one in its note).
It is recorded as sent before the request and as acknowledged after its 2xx; some are
deliberately sent twice, as by a tablet that lost the answer, and the repeat must be
answered like the first. A 409 where another desk may have been first (closing, approving)
is a success; every other answer that is not the expected one is a failure. At the end the
records go to LOADTEST_RECORDS (JSON) for `scenario.check`.
"""

import json
import os
import random
import re
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, constant, events, task

SETUP = json.loads(Path(os.environ["LOADTEST_SETUP"]).read_text())
RETRY = 0.15  # share of submissions sent a second time with the same client id
PHONES = [f"1390000{n:04d}" for n in range(300)]  # few enough that some callers repeat
STEPS = ("en_route", "arrived", "handled")
PAGES = [
    "/",
    "/cases/incidents/",
    "/cases/incidents/?status=dispatched",
    "/cases/board/",
    "/patrols/",
    "/permits/",
]

SENT: dict[str, list] = defaultdict(list)
ACKED: dict[str, list] = defaultdict(list)
REPEATS: Counter = Counter()
STATUSES: Counter = Counter()
SERVER_ERRORS: list[dict] = []
_desk_accounts = iter(SETUP["desk"])
_tablet_accounts = iter(SETUP["tablet"])


@events.request.add_listener
def _count(name, response, **_):
    status = getattr(response, "status_code", 0) or 0
    STATUSES[f"{name} → {status}"] += 1
    if status >= 500 and len(SERVER_ERRORS) < 20:
        SERVER_ERRORS.append({"name": name, "status": status, "body": (response.text or "")[:800]})


@events.quitting.add_listener
def _write_records(**_):
    records = {
        "sent": SENT,
        "acked": ACKED,
        "repeats": REPEATS,
        "statuses": STATUSES,
        "server_errors": SERVER_ERRORS,
    }
    Path(os.environ["LOADTEST_RECORDS"]).write_text(json.dumps(records, ensure_ascii=False))


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


class Client(FastHttpUser):
    abstract = True
    headers: dict = {}

    def call(self, method, path, name, *, expect=(200,), also=(), check=None, **kwargs):
        """One request: its answer when the status is expected (or in `also`, e.g. a 409
        another user may cause) and `check(answer)` finds nothing wrong, else None."""
        headers = {**self.headers, **kwargs.pop("headers", {})}
        with self.client.request(
            method, path, name=name, headers=headers, catch_response=True, **kwargs
        ) as answer:
            if answer.status_code in also:
                answer.success()
                return answer
            if answer.status_code not in expect:
                answer.failure(f"{answer.status_code}: {(answer.text or '')[:300]}")
                return None
            problem = check(answer.json()) if check else None
            if problem:
                answer.failure(problem)
                return None
            answer.success()
            return answer

    def submit(self, kind, keys, method, path, name, **kwargs):
        """A submission: its keys recorded as sent, and as acknowledged on success."""
        SENT[kind].extend(keys)
        answer = self.call(method, path, name, **kwargs)
        if answer is not None and answer.status_code in kwargs.get("expect", (200,)):
            ACKED[kind].extend(keys)
        return answer


class LoopbackPolicy(DefaultCookiePolicy):
    """Secure cookies (production's session and CSRF cookies) sent over plain HTTP: the load
    generator stands where the TLS proxy would, on the loopback."""

    def return_ok_secure(self, cookie, request):
        return True


class SessionClient(Client):
    """A browser: the login form, then the session cookie and the CSRF token for the API."""

    abstract = True

    def log_in(self, username: str) -> None:
        self.client.cookiejar.set_policy(LoopbackPolicy())
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        form = {"csrfmiddlewaretoken": token, "username": username, "password": SETUP["password"]}
        self.call(
            "POST",
            "/accounts/login/",
            "/accounts/login/",
            expect=(302,),
            data=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False,
        )
        self.client.get("/", name="/")

    def api(self, method, path, name, **kwargs):
        csrf = next(c.value for c in self.client.cookiejar if c.name == "csrftoken")
        return self.call(method, path, name, headers={"X-CSRFToken": csrf}, **kwargs)

    def submit_api(self, kind, keys, method, path, name, **kwargs):
        csrf = next(c.value for c in self.client.cookiejar if c.name == "csrftoken")
        return self.submit(kind, keys, method, path, name, headers={"X-CSRFToken": csrf}, **kwargs)


class DeskOfficer(SessionClient):
    weight = 7
    wait_time = between(5, 15)

    def on_start(self):
        self.log_in(next(_desk_accounts))
        self.board_tab = gevent.spawn(self._refresh_board)

    def on_stop(self):
        self.board_tab.kill()

    def _refresh_board(self):
        while True:
            gevent.sleep(10)
            self.client.get(
                "/cases/board/", headers={"HX-Request": "true"}, name="/cases/board/ (htmx refresh)"
            )

    @task(3)
    def intake_and_dispatch(self):
        community = random.choice(SETUP["communities"])
        body = {
            "source": "110",
            "category": random.choice(SETUP["categories"]),
            "caller_phone": random.choice(PHONES),
            "place_text": f"{community['name']}{random.randint(1, 12)}组",
            "community": community["id"],
            "description": "压测警情",
            "client_id": str(uuid.uuid4()),
        }
        path, name = "/api/v1/incidents/", "/api/v1/incidents/ (intake)"
        answer = self.submit_api(
            "incident", [body["client_id"]], "POST", path, name, json=body, expect=(201,)
        )
        if answer is None:
            return
        incident = answer.json()["id"]
        if random.random() < RETRY:
            same = lambda a: None if a["id"] == incident else f"repeat made {a['id']}"  # noqa: E731
            if self.api("POST", path, f"{name} repeated", json=body, check=same):
                REPEATS["incident"] += 1
        answer = self.api(
            "GET",
            f"/api/v1/incidents/{incident}/suggestions/",
            "/api/v1/incidents/{id}/suggestions/",
        )
        if answer is None:
            return
        ranked = answer.json()["suggestions"]
        own = [s for s in ranked if not s["other_station"]]
        if not own:
            return
        post = own[0]["post"]
        on_duty = [t["id"] for t in SETUP["tablet"] if t["post"] == post]
        if not on_duty:  # a run with fewer tablets than posts
            return
        dispatch = {
            "post": post,
            "officers": [random.choice(on_duty)],
            "reason": "" if ranked[0]["post"] == post else "本所警务站",
            "client_id": str(uuid.uuid4()),
        }
        self.submit_api(
            "dispatch",
            [dispatch["client_id"]],
            "POST",
            f"/api/v1/incidents/{incident}/dispatch/",
            "/api/v1/incidents/{id}/dispatch/",
            json=dispatch,
        )

    @task(2)
    def close_handled(self):
        answer = self.api(
            "GET", "/api/v1/incidents/?status=handled", "/api/v1/incidents/?status=handled"
        )
        rows = answer.json()["results"] if answer else []
        if not rows:
            return
        incident = random.choice(rows[:5])["id"]
        body = {"disposition": "settled", "note": "现场调解"}
        if random.random() < 0.1:
            body = {"disposition": "case", "case_kind": "public_security"}
        answer = self.api(
            "POST",
            f"/api/v1/incidents/{incident}/close/",
            "/api/v1/incidents/{id}/close/",
            json=body,
            also=(409,),  # another desk closed it first
        )
        if answer is not None and answer.status_code == 200:
            ACKED["close"].append(incident)

    @task(1)
    def approve_registration(self):
        answer = self.api(
            "GET",
            "/api/v1/permit-applications/?status=submitted",
            "/api/v1/permit-applications/?status=submitted",
        )
        rows = answer.json()["results"] if answer else []
        if not rows:
            return
        application = random.choice(rows[:5])["id"]
        self.submit_api(
            "approval",
            [application],
            "POST",
            f"/api/v1/permit-applications/{application}/approve/",
            "/api/v1/permit-applications/{id}/approve/",
            # The desk checked the papers at the window rather than opening each file here.
            json={"documents_confirmed": True},
            also=(409,),  # another desk approved it first
        )

    @task(3)
    def list_page(self):
        page = random.choice(PAGES)
        self.client.get(page, name=page)


class TabletOfficer(Client):
    weight = 17
    wait_time = between(3, 8)

    def on_start(self):
        self.me = next(_tablet_accounts)
        key = self.me["token"]
        if not key:  # paired this morning
            body = {
                "username": self.me["username"],
                "password": SETUP["password"],
                "device": f"平板 {self.me['username']}",
            }
            answer = self.call(
                "POST", "/api/v1/auth/token/", "/api/v1/auth/token/", json=body, expect=(201,)
            )
            key = answer.json()["token"] if answer else ""
        self.headers = {"Authorization": f"Token {key}"}
        self.jobs: list[list] = []  # [incident id, index of the next step]
        self.patrol = None

    # --- jobs --------------------------------------------------------------------------

    @task(4)
    def jobs_step(self):
        if not self.jobs:
            answer = self.call(
                "GET",
                f"/api/v1/incidents/?status=dispatched&post={self.me['post']}",
                "/api/v1/incidents/?status=dispatched&post=…",
            )
            rows = answer.json()["results"] if answer else []
            self.jobs = [[row["id"], 0] for row in rows if self.me["id"] in row["officers"]]
            if not self.jobs:
                return
        job = self.jobs[0]  # a new job: on the way at once
        status = STEPS[job[1]]
        body = {"status": status, "client_id": str(uuid.uuid4())}
        if status == "handled":
            body["outcome"] = "已到场处置完毕"
        path, name = f"/api/v1/incidents/{job[0]}/status/", "/api/v1/incidents/{id}/status/"
        answer = self.submit("status", [body["client_id"]], "POST", path, name, json=body)
        if answer is None:
            self.jobs.pop(0)
            return
        if random.random() < RETRY:
            same = lambda a: None if a["status"] == status else f"repeat gave {a['status']}"  # noqa: E731
            if self.call("POST", path, f"{name} repeated", json=body, check=same):
                REPEATS["status"] += 1
        job[1] += 1
        if job[1] == len(STEPS):
            self.jobs.pop(0)

    # --- patrols -------------------------------------------------------------------------

    @task(3)
    def patrol_step(self):
        if self.patrol is None:
            self._set_off()
        elif self.batches_left <= 0:
            self._send_held_back()
            answer = self.call(
                "POST", f"/api/v1/patrols/{self.patrol}/finish/", "/api/v1/patrols/{id}/finish/"
            )
            if answer is not None:
                self.patrol = None
        else:
            self._upload()

    def _set_off(self):
        marker = str(uuid.uuid4())
        post = SETUP["posts"][str(self.me["post"])]
        body = {
            "post": self.me["post"],
            "mode": "foot",
            "planned_start": _iso(time.time()),
            "officers": [self.me["id"]],
            "communities": [c["id"] for c in SETUP["communities"] if c["post"] == self.me["post"]],
            "note": marker,
        }
        answer = self.submit(
            "patrol",
            [marker],
            "POST",
            "/api/v1/patrols/",
            "/api/v1/patrols/",
            json=body,
            expect=(201,),
        )
        if answer is None:
            return
        patrol = answer.json()["id"]
        if self.call("POST", f"/api/v1/patrols/{patrol}/start/", "/api/v1/patrols/{id}/start/"):
            self.patrol, self.batches_left = patrol, random.randint(10, 40)
            self.clock = time.time()
            self.position = [post["latitude"], post["longitude"]]
            self.last_batch = None
            self.held_back = None  # a batch kept by an offline spell, sent after the next one

    def _fixes(self) -> list[dict]:
        """The fixes since the last batch, one every ~3 s, a few metres apart."""
        now = time.time()
        count = max(1, min(500, int((now - self.clock) / 3)))
        step = (now - self.clock) / count
        points = []
        for _ in range(count):
            self.clock += step
            self.position[0] += random.uniform(-3e-5, 3e-5)
            self.position[1] += random.uniform(-3e-5, 3e-5)
            points.append(
                {
                    "client_id": str(uuid.uuid4()),
                    "recorded_at": _iso(self.clock),
                    "latitude": round(self.position[0], 6),
                    "longitude": round(self.position[1], 6),
                    "accuracy": 8,
                }
            )
        return points

    def _send(self, batch_id: str, points: list[dict], new: int, name: str):
        def as_expected(answer):
            if (answer["new"], answer["ignored"]) != (new, 0):
                got = f"new {answer['new']}, ignored {answer['ignored']}"
                return f"batch {batch_id}: {got}, expected new {new}, ignored 0"
            return None

        keys = [f"{self.patrol}:{p['client_id']}" for p in points]
        SENT["point"].extend(keys)
        answer = self.submit(
            "batch",
            [f"{self.patrol}:{batch_id}"],
            "POST",
            f"/api/v1/patrols/{self.patrol}/track/",
            name,
            json={"client_id": batch_id, "points": points},
            check=as_expected,
        )
        if answer is not None:
            ACKED["point"].extend(keys)
        return answer

    def _send_held_back(self):
        if self.held_back:
            held_id, held = self.held_back
            self.held_back = None
            self._send(held_id, held, len(held), "/api/v1/patrols/{id}/track/ (late batch)")

    def _upload(self):
        self.batches_left -= 1
        points, batch_id = self._fixes(), str(uuid.uuid4())
        name = "/api/v1/patrols/{id}/track/"
        if self.held_back is None and random.random() < 0.05:
            self.held_back = (batch_id, points)  # offline: sent after the next one
            return
        fresh = len(points)
        if self.last_batch and random.random() < 0.05:
            points = self.last_batch[1][-3:] + points  # an overlapping resend
        self._send(batch_id, points, fresh, name)
        self._send_held_back()
        # The answer was lost: the same batch again.
        if random.random() < RETRY and self._send(batch_id, points, 0, f"{name} repeated"):
            REPEATS["batch"] += 1
        self.last_batch = (batch_id, points)


class CommandBoard(SessionClient):
    weight = 1
    wait_time = constant(5)

    def on_start(self):
        self.log_in(next(_desk_accounts))
        self.client.get("/stats/board/", name="/stats/board/")
        self.posts_version = ""

    @task
    def redraw(self):
        answer = self.api(
            "GET",
            f"/api/v1/board/?posts_version={self.posts_version}",
            "/api/v1/board/",
        )
        if answer is not None:
            self.posts_version = answer.json().get("posts_version") or self.posts_version
        self.api("GET", "/api/v1/patrols/?status=active", "/api/v1/patrols/?status=active")
