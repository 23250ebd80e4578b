"""The community officer's tablet, either way round (1024×768 and 768×1024): on the pages of
a day in the field nothing one taps is smaller than 44 × 44 px, no page or list scrolls
sideways, and the lists are cards that show each record's status."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.cases.choices import IncidentSource
from apps.cases.services import incident_dispatch, incident_report
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_DESK
from apps.patrols.choices import PatrolMode, PatrolStatus
from apps.patrols.models import Patrol
from tests.cases.conftest import scene  # noqa: F401  (categories, posts, the officer on duty)
from tests.registry.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_TARGET = 44  # px, both ways: a gloved thumb on a tablet

# Every control on the page, as the officer's finger finds it. A checkbox or a radio counts
# with its label and the box around them (the label toggles it); what is hidden or folded
# away (the collapsed menu) has no box and is left out.
SMALL_TARGETS = """(min) => {
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button], [tabindex]:not([tabindex="-1"])';
  const small = [];
  for (const el of document.querySelectorAll(controls)) {
    let box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.type === 'checkbox' || el.type === 'radio') {
      const around = el.closest('.form-check') || el.closest('label');
      if (around) box = around.getBoundingClientRect();
    }
    if (box.height < min || box.width < min) {
      const text = (el.innerText || el.value || el.name || el.id || '').trim().slice(0, 40);
      const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
      small.push(`${el.tagName.toLowerCase()} "${text}" ${size}`);
    }
  }
  return small;
}"""

# The page, or any box inside it that scrolls, wider than the screen.
SIDEWAYS = """() => {
  const wide = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) wide.push(`page ${root.scrollWidth}px`);
  for (const el of document.querySelectorAll('body *')) {
    const overflow = getComputedStyle(el).overflowX;
    if ((overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
      wide.push(`${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}px`);
    }
  }
  return wide;
}"""


@pytest.fixture
def a_day_in_the_field(scene):  # noqa: F811
    """Incidents of the day (one dispatched to the community officer, so the job list has
    it), patrols in each state, residents of 迎新村."""
    org = scene.org
    desk, officer = org.user(XIPENG_DESK), org.user(XIPENG_COMMUNITY)
    for place, category in (("迎新村3组村道旁", scene.fight), ("迎新村广场", scene.noise)):
        incident, _created = incident_report(
            by=desk,
            source=IncidentSource.CENTRE_110,
            place_text=place,
            category=category,
            community=org.yingxin,
            caller_phone="13983460001",
        )
    incident_dispatch(incident=incident, post=org.park_post, by=desk, officers=[officer])
    now = timezone.now()
    patrols = {}
    for status, hours in (
        (PatrolStatus.PLANNED, 2),
        (PatrolStatus.ACTIVE, -1),
        (PatrolStatus.FINISHED, -26),
    ):
        patrol = Patrol.objects.create(
            station=org.xipeng,
            post=org.park_post,
            mode=PatrolMode.FOOT,
            status=status,
            planned_start=now + timedelta(hours=hours),
            route="迎新村—园区",
            created_by=officer,
            started_at=None if status == PatrolStatus.PLANNED else now + timedelta(hours=hours),
            ended_at=now + timedelta(hours=hours + 2) if status == PatrolStatus.FINISHED else None,
        )
        patrol.officers.add(officer)
        patrol.covered.add(org.yingxin)
        patrols[status] = patrol
    for _ in range(4):
        PersonFactory(station=org.xipeng)
    return patrols


@pytest.mark.parametrize("size", ["tablet", "tablet-portrait"], indirect=True)
def test_every_control_is_big_enough_and_nothing_scrolls_sideways(
    page, log_in, snap, size, a_day_in_the_field
):
    log_in(XIPENG_COMMUNITY)
    active = a_day_in_the_field[PatrolStatus.ACTIVE]
    pages = {
        "home": "/",
        "jobs": "/cases/jobs/",
        "patrols": "/patrols/",
        "tablet": f"/patrols/{active.pk}/tablet/",
        "incidents": "/cases/incidents/",
        "persons": "/registry/persons/",
    }
    problems = {}
    for name, path in pages.items():
        page.goto(path)
        page.wait_for_load_state("networkidle")
        small, wide = page.evaluate(SMALL_TARGETS, MIN_TARGET), page.evaluate(SIDEWAYS)
        if small or wide:
            problems[path] = {"under 44 px": small, "scrolls sideways": wide}
        snap(name)
    assert not problems, problems


@pytest.mark.parametrize("size", ["tablet-portrait"], indirect=True)
def test_lists_are_cards_with_their_status(page, log_in, snap, a_day_in_the_field):
    log_in(XIPENG_COMMUNITY)
    page.goto("/patrols/")
    cards = page.locator("#patrol-list tbody tr")
    expect(cards).to_have_count(3)
    for patrol in a_day_in_the_field.values():
        card = page.locator(f"#patrol-list tr[data-patrol='{patrol.pk}']")
        status = card.locator(".card-status")
        expect(status).to_have_text(patrol.get_status_display())
        card_box, status_box = card.bounding_box(), status.bounding_box()
        # The status at the card's top right, beside its title; the column headings are
        # read out, not shown, and each value carries its own label.
        assert status_box["y"] - card_box["y"] < 24
        assert status_box["x"] + status_box["width"] > card_box["x"] + card_box["width"] - 40
    expect(page.locator("#patrol-list thead")).not_to_be_in_viewport()
    page.goto("/cases/incidents/")
    first = page.locator("table.table-cards tbody tr").first
    expect(first.locator(".card-status")).to_have_text("已派警")
    expect(first.locator("td[data-label='地点']")).to_contain_text("迎新村")
    snap("incident-cards")
