"""A walk over the site as one user: every page, fragment, API endpoint, export and admin
page that GET reaches from the URL configuration, following the links each answer holds.

Pages with arguments are reached through the links of the pages before them (a list links
its records, a record its files and fragments), API details and actions through the ids of
their list, so that a new page is walked without anyone listing it. `routes()` minus the
walks' `by_route` is what no walk reached: the tests compare it with a short list of
reasons, so that nothing is added without being walked.
"""

import functools
import io
import json
import re
import zipfile
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from pypdf import PdfReader

# Links of a page: absolute paths, the site's own absolute URLs (invitation links) and the
# relative links of Django admin ("../password/", "delete/"); not anchors, queries or
# other sites.
LINK = re.compile(
    r'(?:href|src|action|value|hx-get|data-[a-z-]+)="(?:https?://testserver)?'
    r'(/[^"#]*|[a-z0-9_.][a-z0-9_./-]*/)"'
)
POST_LINK = re.compile(r'hx-post="(/[^"#]*)"')
TRIES = 6  # GETs per route before giving up on finding one that answers 200
# Never followed: leaving the session, switching language, static files, the API docs.
NOT_FOLLOWED = (
    "/accounts/logout/",
    "/admin/logout/",
    "/i18n/",
    "/static/",
    "/api/docs/",
    "/api/schema/",
)
# Admin's add, delete and history pages show nothing their change page does not: an empty
# form, the records' names (checked for every record by the tests), change messages.
NOT_FOLLOWED_ROUTES = re.compile(r"^admin/.+/(add|delete|history)/$")
PER_ROUTE = 2  # distinct URLs walked per route: records of one kind share their template


def routes() -> dict[str, str]:
    """Every route of the URL configuration (as `resolve(path).route` spells it) -> name."""
    found = {}

    def join(first, second):  # as Django joins the routes of a ResolverMatch
        return first + (second[1:] if first and second.startswith("^") else second)

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, join(prefix, str(pattern.pattern)), ns)
            elif isinstance(pattern, URLPattern):
                found[join(prefix, str(pattern.pattern))] = f"{namespace}{pattern.name or ''}"

    walk(get_resolver().url_patterns, "", "")
    return found


@functools.cache  # a link is found on many pages; resolving it is slow
def route_of(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return None


def start_pages() -> list[str]:
    """Every route without arguments, and every API list."""
    return [
        reverse(name)
        for route, name in routes().items()
        if name and not re.search(r"[<(]", route.replace("$", ""))
    ]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def text_of(content_type: str, body: bytes) -> str:
    """What a reader of the answer gets: the body, or the text in a workbook or a PDF."""
    if "spreadsheetml" in content_type:
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    if content_type.startswith("application/pdf"):
        pages = PdfReader(io.BytesIO(body)).pages
        return body.decode("latin-1") + " ".join(page.extract_text() for page in pages)
    return body.decode("utf-8", errors="replace")


@dataclass
class Page:
    path: str
    route: str
    status: int
    content_type: str
    text: str = ""
    body: bytes = b""  # kept for files only (spreadsheets, PDFs), which the tests open


@dataclass
class Walk:
    client: object
    # Called with each answered page, before its links are followed.
    on_page: Callable[[Page], None] | None = None
    # Paths walked before the others (records that hold what the test looks for).
    first: set[str] = field(default_factory=set)
    # Routes another walk has covered already (walked only as start pages).
    skip: set[str] = field(default_factory=set)
    per_route: int = PER_ROUTE
    by_route: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    opened: Counter = field(default_factory=Counter)
    pages: list[Page] = field(default_factory=list)
    post_links: set[str] = field(default_factory=set)  # hx-post targets seen on the pages

    def run(self, start: list[str]) -> "Walk":
        queue, seen, starts = deque(start), set(), set(start)
        while queue:
            path = queue.popleft()
            if path in seen or path.startswith(NOT_FOLLOWED):
                continue
            route = route_of(path)
            if route is None:
                continue
            if NOT_FOLLOWED_ROUTES.match(route):
                continue
            tried = self.by_route[route]
            if route in self.skip and path not in starts:
                continue
            if len(tried) >= TRIES or self.opened[route] >= self.per_route:
                continue
            seen.add(path)
            tried.append(path)
            response = self.client.get(path)
            page = Page(path, route, response.status_code, response.get("Content-Type", ""))
            self.pages.append(page)
            if response.status_code in (301, 302):
                queue.appendleft(response["Location"])
                continue
            if response.status_code == 405:  # POST only: no other URL of it answers GET
                self.skip.add(route)
            if response.status_code != 200:
                continue
            self.opened[route] += 1
            body = body_of(response)
            page.text = text_of(page.content_type, body)
            if not page.content_type.startswith(("text/", "application/json")):
                page.body = body
            if self.on_page:
                self.on_page(page)
            links = self._links(page)
            queue.extendleft(reversed([link for link in links if link in self.first]))
            queue.extend(link for link in links if link not in self.first)
        return self

    @property
    def reached(self) -> set[str]:
        """The routes this walk opened (answered 200)."""
        return {page.route for page in self.pages if page.status == 200}

    def answered(self, status: int) -> set[str]:
        return {page.route for page in self.pages if page.status == status}

    def _links(self, page: Page) -> list[str]:
        text = page.text
        self.post_links |= {link.replace("&amp;", "&") for link in POST_LINK.findall(text)}
        links = [
            urljoin(page.path, link.replace("&amp;", "&"))
            for link in LINK.findall(text)
            if "spreadsheetml" not in page.content_type and "pdf" not in page.content_type
        ]
        if page.content_type.startswith("application/json"):
            links += self._api_links(page)
        return links

    def _api_links(self, page: Page) -> list[str]:
        """The paths an answer names ("url", "file_url"...) and, from an API list, its
        records' details and every action on them (those that answer GET are kept)."""
        data = json.loads(page.text)
        links = [value for value in _strings(data) if value.startswith("/")]
        rows = data.get("results") if isinstance(data, dict) else data
        prefix = page.route.removesuffix("$")
        names = [name for route, name in routes().items() if route.startswith(prefix + "(?P<pk>")]
        for row in rows if isinstance(rows, list) and names else []:
            if not isinstance(row, dict) or "id" not in row:
                continue
            for name in names:
                with suppress(NoReverseMatch):  # an action with more arguments
                    links.append(reverse(name, args=[row["id"]]))
        return links


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
