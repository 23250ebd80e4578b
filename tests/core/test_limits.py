"""Issue 16, item 7: bad input gets a clear answer and loses nothing.

Text has limits (a description ≤ 5,000 characters, a place ≤ 200) that every door knows —
the model, the form (and through it the browser's maxlength), the API — from
apps/core/limits.py; a body too large to read gets a Chinese page (or the API's error shape)
saying nothing was saved; what happened cannot be in the future and plans reach at most a
year ahead, at every door; date inputs are filled in ISO so that browsers show them."""

import importlib
import json
import pkgutil
import uuid
from datetime import timedelta

import pytest
from django import forms
from django.apps import apps as django_apps
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db import models
from django.test import RequestFactory
from django.utils import timezone, translation
from drf_spectacular.generators import SchemaGenerator

import apps
from apps.cases.services import RosterPattern, roster_generate
from apps.core import handlers
from apps.core.errors import DomainError
from apps.core.forms import style_field
from apps.core.limits import (
    CLOCK_SKEW,
    PLACE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    LongTextField,
    validate_past,
    validate_plannable,
)
from apps.core.testing.factories import StaffAssignmentFactory
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_DESK, XIPENG_LEADER
from apps.mediation.api.serializers import ConfirmationSerializer, SlotsGenerateSerializer
from apps.mediation.forms import ConfirmationForm, SessionForm
from apps.mediation.models import Dispute, MediationSession
from apps.mediation.services import (
    dispute_assess,
    dispute_assign,
    session_record,
    slots_generate,
)
from apps.patrols.forms import PatrolForm
from apps.patrols.models import Finding, Patrol
from apps.patrols.services import patrol_create
from apps.permits.api.serializers import VisitSerializer
from apps.permits.forms import VisitForm
from apps.registry.filters import HotelStayFilter
from apps.registry.forms import PersonForm
from tests.mediation.conftest import make_dispute, scene  # noqa: F401  (the mediation scene)
from tests.patrols.factories import make_patrol
from tests.registry.factories import AddressFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db
FINDINGS = "/api/v1/patrol-findings/"
# Written by the workbench itself, never typed: a notification's body, a task's error.
SYSTEM_TEXT = {("core", "notification", "body"), ("core", "queuedtask", "last_error")}
SYSTEM_TEXT |= {("stats", "statsrun", "error"), ("mediation", "partyinvitation", "body")}


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def desk(client, org):
    client.force_login(org.user(XIPENG_DESK))
    return client


@pytest.fixture
def officer(client, org):
    client.force_login(org.user(XIPENG_COMMUNITY))
    return client


def _form_classes():
    for module in pkgutil.walk_packages(apps.__path__, "apps."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    todo, found = [forms.BaseForm], set()
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("apps."):
                found.add(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__name__}")


# --- text: every door knows the limit ----------------------------------------------------


def test_every_free_text_field_of_a_record_is_bounded():
    unbounded = [
        (model._meta.app_label, model._meta.model_name, field.name)
        for model in django_apps.get_models()
        if model.__module__.startswith("apps.")
        for field in model._meta.fields
        if isinstance(field, models.TextField) and not isinstance(field, LongTextField)
    ]
    assert set(unbounded) == SYSTEM_TEXT
    places = [
        field
        for model in django_apps.get_models()
        if model.__module__.startswith("apps.")
        for field in model._meta.fields
        if field.name in ("place", "place_text")
    ]
    assert len(places) == 6
    assert {field.max_length for field in places} == {PLACE_MAX_LENGTH}


def test_every_text_a_form_takes_has_a_limit_the_browser_is_told():
    unbounded = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _form_classes()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, forms.UUIDField)
        and field.max_length is None
        and not isinstance(field.widget, forms.PasswordInput)
        and name != "username"  # the login's, checked against the accounts
    ]
    assert unbounded == []
    rendered = str(SessionForm()["notes"]) + str(SessionForm()["place"])
    assert f'maxlength="{TEXT_MAX_LENGTH}"' in rendered
    assert f'maxlength="{PLACE_MAX_LENGTH}"' in rendered


def test_every_string_the_api_takes_has_a_max_length():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    bodies = {
        body["schema"]["$ref"].rsplit("/", 1)[-1]
        for operations in schema["paths"].values()
        for method, operation in operations.items()
        if method in ("post", "put", "patch")
        for body in operation.get("requestBody", {}).get("content", {}).values()
        if "$ref" in body["schema"]
    }
    unbounded, seen = [], set()

    def walk(name):
        if name in seen:
            return
        seen.add(name)
        for prop, spec in components[name].get("properties", {}).items():
            nested = spec.get("$ref") or spec.get("items", {}).get("$ref")
            if nested:
                walk(nested.rsplit("/", 1)[-1])
            elif (
                spec.get("type") == "string"
                and not spec.get("readOnly")
                and not spec.get("format")
                and "enum" not in spec
                and "maxLength" not in spec
            ):
                unbounded.append(f"{name}.{prop}")

    for name in sorted(bodies):
        walk(name)
    assert len(seen) > 50  # the walk reached the API's request bodies
    assert unbounded == []


def test_a_description_too_long_is_refused_in_chinese_by_the_model(org):
    finding = Finding(
        station=org.xipeng,
        kind="hazard",
        description="井" * (TEXT_MAX_LENGTH + 1),
        found_at=timezone.now(),
        found_by=org.user(XIPENG_COMMUNITY),
    )
    with pytest.raises(ValidationError) as refused:
        finding.full_clean(exclude=["client_id", "photo"])
    assert "5000" in refused.value.message_dict["description"][0]
    assert "字符" in refused.value.message_dict["description"][0]


def test_a_description_too_long_is_refused_by_the_api_and_nothing_is_saved(officer, org):
    patrol = make_patrol(org)
    body = {"patrol": patrol.pk, "kind": "hazard", "description": "井" * (TEXT_MAX_LENGTH + 1)}
    answer = officer.post(FINDINGS, body, content_type="application/json")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    assert "5000" in error["fields"]["description"][0]
    assert not Finding.objects.exists()
    body["description"] = "井" * TEXT_MAX_LENGTH  # the limit itself is fine
    assert officer.post(FINDINGS, body, content_type="application/json").status_code == 201


def test_a_description_too_long_is_refused_by_the_page_and_kept_for_correction(desk, org):
    text = "楼上漏水" * 1300  # 5,200 characters
    page = desk.post(
        "/mediation/new/", {"source": "walk_in", "category": "neighbour", "description": text}
    )
    assert "确保该变量包含不超过 5000 字符" in page.content.decode()
    assert text in page.content.decode()  # nothing typed is lost
    assert not Dispute.objects.exists()


# --- bodies too large to read --------------------------------------------------------------


@pytest.fixture
def small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024  # 4 MB: a test's body stays light


@pytest.mark.parametrize("debug", [True, False])
def test_five_megabytes_typed_into_a_field_get_a_chinese_page_and_nothing_is_saved(
    desk, settings, small_limit, debug
):
    settings.DEBUG = debug
    text = "吵" * (5 * 1024 * 1024 // 3)  # 5 MB of characters
    page = desk.post(
        "/mediation/new/", {"source": "walk_in", "category": "neighbour", "description": text}
    )
    assert page.status_code == 413
    html = page.content.decode()
    assert "提交的内容过多" in html and "超过 4 MB" in html
    assert "本次提交没有保存任何内容" in html
    assert 'href="/mediation/new/"' in html  # back to the form
    assert "Traceback" not in html and "Bad Request" not in html
    assert not Dispute.objects.exists()


def test_too_large_a_photo_form_for_the_api_is_413_in_its_error_shape(officer, org, small_limit):
    patrol = make_patrol(org)
    body = {"patrol": patrol.pk, "kind": "hazard", "description": "井" * (2 * 1024 * 1024)}
    answer = officer.post(FINDINGS, body)  # multipart, as the tablet sends a photo
    assert answer.status_code == 413
    assert answer.json() == {
        "error": {"code": "too_large", "message": "请求过大：数据超过 4 MB，未保存任何内容。"}
    }
    assert not Finding.objects.exists()


def test_too_large_a_json_body_for_the_api_is_413_before_it_is_read(officer, org, small_limit):
    body = json.dumps({"kind": "hazard", "description": "井" * (2 * 1024 * 1024)})
    answer = officer.post(FINDINGS, body, content_type="application/json")
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_large"
    assert not Finding.objects.exists()


def test_the_400_handler_says_too_large_where_the_middleware_did_not_see_it(org, settings):
    settings.DEBUG = False
    request = RequestFactory().put("/mediation/new/")
    request.user = org.user(XIPENG_DESK)
    response = handlers.bad_request(request, RequestDataTooBig())
    assert response.status_code == 413
    assert "本次提交没有保存任何内容" in response.content.decode()
    other = handlers.bad_request(request, ValueError())
    assert other.status_code == 400 and "请求有误" in other.content.decode()


# --- times: the past and the planned --------------------------------------------------------


def test_a_time_a_little_ahead_is_a_clock_not_the_future():
    now = timezone.now()
    validate_past(now + CLOCK_SKEW - timedelta(seconds=1), now=now)
    with pytest.raises(ValidationError) as refused:
        validate_past(now + CLOCK_SKEW + timedelta(minutes=1), now=now)
    assert "晚于现在" in refused.value.messages[0]
    validate_past(timezone.localdate(now), now=now)
    with pytest.raises(ValidationError, match="晚于今天"):
        validate_past(timezone.localdate(now) + timedelta(days=1), now=now)


def test_a_plan_reaches_a_year_ahead_and_no_further():
    now = timezone.now()
    validate_plannable(now + timedelta(days=364), now=now)
    with pytest.raises(ValidationError, match="最多只能安排一年以内"):
        validate_plannable(now.replace(year=2099), now=now)
    with pytest.raises(ValidationError):
        validate_plannable(timezone.localdate(now) + timedelta(days=400), now=now)


def test_a_patrol_planned_for_2099_is_refused_at_every_door(officer, org):
    user = org.user(XIPENG_COMMUNITY)
    far = timezone.localtime().replace(year=2099)
    data = {"mode": "foot", "planned_start": far.strftime("%Y-%m-%dT%H:%M"), "officers": [user.pk]}
    form = PatrolForm(data=data, station=org.xipeng)
    assert "最多只能安排一年以内" in form.errors["planned_start"][0]
    answer = officer.post(
        "/api/v1/patrols/",
        {**data, "planned_start": far.isoformat()},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "最多只能安排一年以内" in answer.json()["error"]["fields"]["planned_start"][0]
    with pytest.raises(DomainError, match="计划开始时间超过一年之后"):
        patrol_create(by=user, post=None, mode="foot", planned_start=far, officers=[user])
    assert not Patrol.objects.exists()
    soon = timezone.now() + timedelta(days=30)
    assert patrol_create(by=user, post=None, mode="foot", planned_start=soon, officers=[user])


def test_a_patrol_cannot_have_finished_in_the_future(org):
    patrol = make_patrol(org)
    patrol.ended_at = timezone.now() + timedelta(hours=2)
    with pytest.raises(ValidationError) as refused:
        patrol.full_clean()
    assert "晚于现在" in refused.value.message_dict["ended_at"][0]


def test_a_session_held_tomorrow_is_refused_at_every_door(client, scene, make_dispute):  # noqa: F811
    desk = scene.org.user(XIPENG_DESK)
    dispute = dispute_assess(dispute=make_dispute(), by=desk, risk_level="low")
    dispute = dispute_assign(dispute=dispute, mediator=scene.mediator, by=desk)
    tomorrow = timezone.localtime() + timedelta(days=1)
    session = {
        "held_at": tomorrow.strftime("%Y-%m-%dT%H:%M"),
        "mode": "online",
        "attendees": "双方",
    }
    assert "晚于现在" in SessionForm(data=session).errors["held_at"][0]
    client.force_login(desk)
    answer = client.post(
        "/api/v1/mediation-sessions/",
        {**session, "held_at": tomorrow.isoformat(), "dispute": dispute.pk},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "held_at" in answer.json()["error"]["fields"]
    with pytest.raises(DomainError, match="会议时间不能晚于现在"):
        session_record(dispute=dispute, by=desk, held_at=tomorrow, attendees="双方", mode="online")
    assert not MediationSession.objects.exists()
    stored = MediationSession(dispute=dispute, held_at=tomorrow, attendees="双方", recorded_by=desk)
    with pytest.raises(ValidationError):  # admin's door
        stored.full_clean()


def test_a_visit_or_a_court_decision_tomorrow_is_refused():
    tomorrow = timezone.localdate() + timedelta(days=1)
    visit = {"visited_on": tomorrow.isoformat(), "result": "confirmed"}
    assert "晚于今天" in VisitForm(data=visit).errors["visited_on"][0]
    serializer = VisitSerializer(data=visit)
    assert not serializer.is_valid() and "visited_on" in serializer.errors
    decision = {"status": "confirmed", "on": tomorrow.isoformat()}
    assert "on" in ConfirmationForm(data=decision).errors
    serializer = ConfirmationSerializer(data=decision)
    assert not serializer.is_valid() and "on" in serializer.errors


def test_a_lawyers_sittings_reach_a_year_ahead_and_no_further(scene):  # noqa: F811
    leader = scene.org.user(XIPENG_LEADER)
    far = timezone.localdate() + timedelta(days=300)
    sitting = {
        "mediator": scene.lawyer.pk,
        "weekday": 3,
        "first_day": far.replace(year=2099).isoformat(),
        "weeks": 4,
        "start": "09:00",
        "end": "12:00",
    }
    request = RequestFactory().post("/api/v1/lawyer-slots/generate/")
    request.user = leader
    serializer = SlotsGenerateSerializer(data=sitting, context={"request": request})
    assert not serializer.is_valid() and "first_day" in serializer.errors
    with pytest.raises(DomainError, match="最后一次坐班超过一年之后"):
        slots_generate(
            by=leader,
            mediator=scene.lawyer,
            weekday=3,
            first_day=far,
            weeks=20,
            start=timezone.datetime(2000, 1, 1, 9).time(),
            end=timezone.datetime(2000, 1, 1, 12).time(),
        )


def test_a_roster_or_a_shift_two_years_ahead_is_refused(client, org):
    leader = org.user(XIPENG_LEADER)
    staff = StaffAssignmentFactory(station=org.xipeng, post=org.park_post, name="何某某")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=104)
    with pytest.raises(DomainError, match="该值班周超过一年之后"):
        roster_generate(
            by=leader,
            pattern=RosterPattern(
                post=None,
                station=org.xipeng,
                monday=monday,
                weekday_staff=[staff],
                weekend_group=[],
            ),
        )
    client.force_login(leader)
    starts = timezone.localtime().replace(year=2099)
    shift = {
        "station": org.xipeng.pk,
        "staff": staff.pk,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=8)).isoformat(),
    }
    answer = client.post("/api/v1/duty-shifts/", shift, content_type="application/json")
    assert answer.status_code == 400
    assert "最多只能安排一年以内" in json.dumps(answer.json(), ensure_ascii=False)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (FINDINGS, "found_at"),
        ("/api/v1/video-patrols/", "checked_at"),
        ("/api/v1/service-logs/", "occurred_at"),
    ],
)
def test_the_api_refuses_what_happened_tomorrow(client, org, url, field):
    client.force_login(org.user(XIPENG_LEADER))
    body = {
        "kind": "hazard" if url == FINDINGS else "consultation" if "service" in url else "mouse",
        "description": "路灯不亮",
        "camera": "迎新村口1号",
        "observation": "路口无人",
        field: (timezone.now() + timedelta(days=1)).isoformat(),
    }
    answer = client.post(url, body, content_type="application/json")
    assert answer.status_code == 400, answer.content
    assert "晚于现在" in answer.json()["error"]["fields"][field][0]


def test_a_finding_seen_a_minute_ahead_by_the_tablets_clock_is_taken(officer, org):
    body = {
        "client_id": str(uuid.uuid4()),
        "kind": "hazard",
        "description": "桥边护栏松动",
        "found_at": (timezone.now() + timedelta(minutes=1)).isoformat(),
    }
    assert officer.post(FINDINGS, body, content_type="application/json").status_code == 201


def test_a_hotel_stay_checked_in_tomorrow_is_refused(client, org):
    client.force_login(org.user(XIPENG_COMMUNITY))
    hotel = UnitFactory(address=AddressFactory(community=org.yingxin))
    guest = PersonFactory(station=org.xipeng)
    stay = {
        "station": org.xipeng.pk,
        "person": guest.pk,
        "hotel": hotel.pk,
        "checked_in_at": (timezone.now() + timedelta(days=1)).isoformat(),
    }
    answer = client.post("/api/v1/hotel-stays/", stay, content_type="application/json")
    assert answer.status_code == 400
    assert "晚于现在" in json.dumps(answer.json(), ensure_ascii=False)


# --- dates as the browser shows them -------------------------------------------------------


def test_date_inputs_are_filled_in_iso_whatever_the_language(org):
    day = timezone.localdate().replace(month=12, day=6)
    # A new person's form (an existing one's date of birth is not on its edit form).
    form = PersonForm(initial={"birth_date": day.replace(year=1990)}, user=org.user(XIPENG_DESK))
    field = str(form["birth_date"])
    assert 'type="date"' in field and 'value="1990-12-06"' in field
    assert "1990/12/06" not in field
    moment = timezone.localtime().replace(hour=9, minute=5, second=30, microsecond=0)
    field = str(SessionForm(initial={"held_at": moment})["held_at"])
    assert 'type="datetime-local"' in field and f'value="{moment:%Y-%m-%dT09:05}"' in field
    filters = HotelStayFilter({"checked_in_after": f"{moment:%Y-%m-%dT%H:%M}"}, request=None)
    assert 'type="datetime-local"' in str(filters.form["checked_in_after"])
    plain = forms.DateField(initial=day)
    style_field(plain)
    assert plain.widget.input_type == "date" and plain.widget.format == "%Y-%m-%d"


def test_an_iso_date_sent_back_by_the_browser_is_read():
    today = timezone.localdate()
    visit = VisitForm(data={"visited_on": today.isoformat(), "result": "confirmed"})
    assert visit.is_valid(), visit.errors
    assert visit.cleaned_data["visited_on"] == today
    session = SessionForm(
        data={"held_at": "2026-01-05T09:30", "mode": "online", "attendees": "双方"}
    )
    assert session.is_valid(), session.errors
    assert timezone.localtime(session.cleaned_data["held_at"]).strftime("%H:%M") == "09:30"
