"""`manage.py ring 8001 13983460088`: the demo's telephone system reports a call ringing at a
desk's extension through the running server's webhook, as a PBX does (README, "The telephone
hook"): it takes a device token as the station's telephone system account, then posts the
call. Through the server, so the desk's open page hears of it live, whichever channel layer
the server has (the demo's is inside its own process)."""

import json
import urllib.error
import urllib.request

from django.core.management.base import BaseCommand, CommandError

from devtools.demo.accounts import DEMO_PASSWORD, PBX_USER


def _post(url: str, body: dict, token: str = "") -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept-Language": "zh-hans"},
        method="POST",
    )
    if token:
        request.add_header("Authorization", f"Token {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


class Command(BaseCommand):
    help = "Ring a desk's extension with a caller's number, as the telephone system does."

    def add_arguments(self, parser):
        parser.add_argument("extension")
        parser.add_argument("phone")
        parser.add_argument("--server", default="http://127.0.0.1:8000", help="make demo's URL")

    def handle(self, *args, extension, phone, server, **options):
        base = server.rstrip("/") + "/api/v1"
        try:
            token = _post(
                f"{base}/auth/token/",
                {"username": PBX_USER, "password": DEMO_PASSWORD, "device": "演示电话系统"},
            )["token"]
            try:
                call = _post(
                    f"{base}/incoming-calls/", {"extension": extension, "phone": phone}, token
                )
            finally:  # one token per ring, handed back: the account's tokens do not pile up
                _post(f"{base}/auth/logout/", {}, token)
        except urllib.error.HTTPError as error:
            raise CommandError(f"{error.code}: {error.read().decode(errors='replace')}") from error
        except urllib.error.URLError as error:
            raise CommandError(
                f"No server at {server} ({error.reason}): run `make demo`."
            ) from error
        self.stdout.write(f"Ringing at extension {extension} (call {call['id']}).")
