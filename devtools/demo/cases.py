"""Demo incidents and cases that replay the seeds; idempotent (keyed on client ids).

- 迎新村: after four calls about a boundary quarrel, a fight reported by 110 (the caller's
  fifth call in 30 days), dispatched from 西彭园区警务站 (3.4 km, about 20 minutes, against
  about 40 from the station HQ), handled and turned into a public-security case.
- 马王: neighbour disputes at 马王警务站, one in three diverted to mediation.
- 歇台子: square-dance noise calls in the evenings, one resident calling every few days.
- 石桥铺: a phoned complaint against a window officer (警务投诉), referred to the
  supervision unit: one complaint against the police in the statistics.
- The board has work on it now: a fresh call, and a call sent to the park post that waits
  in 李强's 我的出警任务 for him to take (接单).
- The roster of this week and the next at the park post, so that its officer is on duty
  whenever the demo is opened: weekdays everyone by day and the officer on standby (备勤)
  at night, weekends the officer with the grid worker; the other joint-force members are
  on duty with them on weekdays (listed apart as 联防力量 in the dispatch suggestion).
"""

import uuid
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.choices import (
    CaseKind,
    Disposition,
    IncidentSource,
    IncidentStatus,
    InjuryGrade,
    ShiftRole,
    SuspensionKind,
)
from apps.cases.models import Case, DutyShift, Incident, IncidentCategory
from apps.cases.services import (
    RosterPattern,
    case_injury_grade,
    case_open,
    case_suspension_start,
    case_transition,
    incident_checklist_tick,
    incident_close,
    incident_dispatch,
    incident_report,
    incident_status,
    incident_take,
    roster_generate,
    shift_save,
    taxonomy_seed,
)
from apps.stations.choices import StaffKind
from apps.stations.models import Bureau, Community, Post, StaffAssignment, Station

NAMESPACE = uuid.UUID("4f2d8a5e-3b1c-4e8f-9a6d-2c7b1e0f5a93")


def _key(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def _category(bureau, *words):
    """The first minor category whose name holds one of `words` (the taxonomy is editable)."""
    for word in words:
        found = (
            IncidentCategory.objects.filter(
                bureau=bureau, parent__isnull=False, name__contains=word
            )
            .order_by("code")
            .first()
        )
        if found:
            return found
    return None


def _backdate(incident, start, **offsets):
    """Move an incident's timeline to when it happened (services stamp `now`)."""
    stamps = {"received_at": start}
    for field, minutes in offsets.items():
        stamps[field] = start + timedelta(minutes=minutes)
    Incident.objects.filter(pk=incident.pk).update(**stamps)
    incident.events.update(at=start)


def _run(incident, *, desk, post, officer=None, outcome="", disposition, **close):
    """Dispatch the post; (with an officer) take the job, go, arrive, tick every step,
    handle; then close."""
    incident = incident_dispatch(incident=incident, post=post, by=desk)
    if officer:
        incident = incident_take(incident=incident, by=officer)
        incident = incident_status(incident=incident, status=IncidentStatus.EN_ROUTE, by=officer)
        incident = incident_status(incident=incident, status=IncidentStatus.ARRIVED, by=officer)
        for step in range(len(incident.checklist)):
            incident = incident_checklist_tick(incident=incident, step=step, done=True, by=officer)
        incident = incident_status(
            incident=incident, status=IncidentStatus.HANDLED, outcome=outcome, by=officer
        )
    return incident_close(incident=incident, disposition=disposition, by=desk, **close)


def seed_park_roster(station: Station, *, by) -> None:
    """The park post's roster for this week and the next (see the module's docstring); a
    re-run adds only what is missing, so a demo seeded last week gets this week's."""
    park = Post.objects.get(station=station, name="西彭园区警务站")
    staff = list(StaffAssignment.objects.filter(station=station, post=park, ended_on=None))
    officers = [person for person in staff if person.user_id]
    grid_workers = [person for person in staff if person.kind == StaffKind.GRID_WORKER]
    this_monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    tz = timezone.get_current_timezone()
    for monday in (this_monday, this_monday + timedelta(days=7)):
        roster_generate(
            by=by,
            pattern=RosterPattern(
                station=station,
                post=park,
                monday=monday,
                weekday_staff=staff,
                weekend_group=officers + grid_workers,
            ),
        )
        for offset in range(5):  # weekday nights, before and after the day shift
            day = monday + timedelta(days=offset)
            for start, end in (
                (time(0, 0), time(8, 30)),
                (time(17, 30), None),
            ):
                starts_at = datetime.combine(day, start, tz)
                ends_at = (
                    datetime.combine(day, end, tz)
                    if end
                    else datetime.combine(day + timedelta(days=1), time(0, 0), tz)
                )
                for person in officers:
                    if not DutyShift.objects.filter(
                        staff=person, starts_at__lt=ends_at, ends_at__gt=starts_at
                    ).exists():
                        shift_save(
                            by=by,
                            shift=DutyShift(
                                station=station,
                                post=park,
                                staff=person,
                                starts_at=starts_at,
                                ends_at=ends_at,
                                role=ShiftRole.STANDBY,
                            ),
                        )


@transaction.atomic
def seed_incidents() -> int:
    """Returns the incidents created on this run."""
    for bureau in Bureau.objects.all():
        taxonomy_seed(bureau=bureau)
    xipeng = Station.objects.filter(code="500107-xipeng").first()
    if xipeng is None:
        return 0
    admin = User.objects.get(username="jlp_admin")
    seed_park_roster(xipeng, by=admin)
    # The other stations' past calls have no desk officer among the demo logins: the demo
    # writes that history as the superuser (the sub-bureau's admin takes no calls).
    history = User.objects.get(username="admin")
    if Incident.objects.filter(client_id=_key("yingxin-fight")).exists():
        return 0
    jiulongpo = xipeng.bureau
    desk = User.objects.get(username="xipeng_desk")
    officer = User.objects.get(username="xipeng_community")
    park = Post.objects.get(station=xipeng, name="西彭园区警务站")
    yingxin = Community.objects.get(station=xipeng, name="迎新村")
    now = timezone.now()
    created = 0

    # 迎新村: a boundary quarrel the same villager called about four times this month ...
    quarrel = _category(jiulongpo, "邻里")
    for n in reversed(range(4)):
        start = now - timedelta(days=4 + n * 6, hours=5)
        incident, _ = incident_report(
            by=desk,
            source=IncidentSource.PHONE,
            category=quarrel,
            place_text="迎新村3组",
            community=yingxin,
            caller_phone="13983460001",
            caller_name="张先生",
            description="与邻居因宅基地边界争执。",
            received_at=start,
            client_id=_key(f"yingxin-quarrel-{n}"),
        )
        incident = _run(
            incident,
            desk=desk,
            post=park,
            disposition=Disposition.SETTLED,
            note="现场劝解，建议村委会调处边界",
        )
        _backdate(incident, start, assigned_at=2, closed_at=60)
        created += 1

    # ... then the fight, answered from the park post: his fifth call in 30 days.
    fight = _category(jiulongpo, "斗殴", "打架")
    start = now - timedelta(days=1, hours=3)
    incident, _ = incident_report(
        by=desk,
        source=IncidentSource.CENTRE_110,
        category=fight,
        place_text="迎新村3组村道旁",
        community=yingxin,
        caller_phone="13983460001",
        caller_name="张先生",
        description="两名村民因宅基地边界发生口角后互殴，一人面部受伤。",
        received_at=start,
        client_id=_key("yingxin-fight"),
    )
    incident = _run(
        incident,
        desk=desk,
        post=park,
        officer=officer,
        outcome="制止斗殴，双方带回园区警务站询问，伤者已就医。",
        disposition=Disposition.CASE,
        case_kind=CaseKind.PUBLIC_SECURITY,
        case_title="迎新村村民互殴案",
    )
    # The injury is appraised (鉴定, a period the 30 days do not count) and comes back a
    # minor injury (轻微伤): it stays a public-security case. A light injury (轻伤) would
    # have made it a criminal matter (services.case_injury_grade).
    fight_case = incident.case
    Case.objects.filter(pk=fight_case.pk).update(accepted_at=start + timedelta(minutes=90))
    fight_case.refresh_from_db()
    investigator = User.objects.get(username="xipeng_case")
    case_suspension_start(
        case=fight_case,
        by=investigator,
        kind=SuspensionKind.APPRAISAL,
        started_at=start + timedelta(hours=2),
        note="伤情鉴定（区分局物证鉴定室）",
    )
    case_injury_grade(
        case=fight_case, by=investigator, grade=InjuryGrade.MINOR, at=now - timedelta(hours=2)
    )
    _backdate(
        incident,
        start,
        assigned_at=1,
        dispatched_at=1,
        en_route_at=2,
        arrived_at=20,
        handled_at=75,
        closed_at=90,
    )
    created += 1

    # 马王: neighbour disputes, one in three diverted to mediation.
    jiulong = Station.objects.get(code="500107-jiulong")
    mawang = Post.objects.get(station=jiulong, name="马王警务站")
    mawang_community = Community.objects.get(station=jiulong, name="马王社区")
    dispute = _category(jiulongpo, "邻里")
    for n in range(6):
        start = now - timedelta(days=3 + n * 4, hours=2)
        incident, _ = incident_report(
            by=history,
            source=IncidentSource.CENTRE_110,
            category=dispute,
            place_text=f"马王社区马王场正街{20 + n}号",
            community=mawang_community,
            caller_phone=f"1388300{n:04d}",
            description="楼上楼下漏水、噪声引发邻里纠纷。",
            client_id=_key(f"mawang-dispute-{n}"),
        )
        incident = _run(
            incident,
            desk=history,
            post=mawang,
            disposition=Disposition.MEDIATION if n % 3 == 0 else Disposition.SETTLED,
            note="转人民调解员调解" if n % 3 == 0 else "现场劝解，双方达成谅解",
        )
        _backdate(incident, start, assigned_at=2, closed_at=40)
        created += 1

    # 歇台子: square-dance noise in the evenings, one resident calling every few days.
    xietaizi = Station.objects.get(code="500107-xietaizi")
    xtz_post = Post.objects.get(station=xietaizi, name="歇台子警务站")
    xtz_community = Community.objects.get(station=xietaizi, name="歇台子社区")
    noise = _category(jiulongpo, "广场舞", "噪声")
    for n in reversed(range(7)):  # oldest first, so that each call counts the earlier ones
        start = (now - timedelta(days=2 + n * 3)).replace(hour=12, minute=40)  # 20:40 local
        incident, _ = incident_report(
            by=history,
            source=IncidentSource.CENTRE_110,
            category=noise,
            place_text="歇台子社区广场",
            community=xtz_community,
            caller_phone="13594660007" if n < 5 else f"1359466{n:04d}",
            description="广场舞音响声音过大，影响休息。",
            received_at=start,
            client_id=_key(f"xietaizi-noise-{n}"),
        )
        incident = _run(
            incident,
            desk=history,
            post=xtz_post,
            disposition=Disposition.SETTLED,
            note="劝导组织者调低音量，21:00前结束",
        )
        _backdate(incident, start, assigned_at=1, closed_at=35)
        created += 1

    # A nuisance caller at 西彭.
    invalid = _category(jiulongpo, "骚扰", "无效")
    for n in reversed(range(3)):
        incident, _ = incident_report(
            by=desk,
            source=IncidentSource.CENTRE_110,
            category=invalid,
            place_text="不详",
            caller_phone="17300000013",
            received_at=now - timedelta(days=n * 5 + 1),
            client_id=_key(f"xipeng-nuisance-{n}"),
        )
        incident_close(incident=incident, disposition=Disposition.INVALID, by=desk)
        created += 1

    # Work on the board now.
    theft = _category(jiulongpo, "电动车", "盗窃")
    fresh, _ = incident_report(
        by=desk,
        source=IncidentSource.PHONE,
        category=theft,
        place_text="泥璧村村委会门口",
        community=Community.objects.get(station=xipeng, name="泥璧村"),
        caller_phone="13983460022",
        description="停放的电动自行车被盗。",
        client_id=_key("xipeng-fresh"),
    )
    created += 1
    help_category = _category(jiulongpo, "走失", "求助")
    sent, _ = incident_report(
        by=desk,
        source=IncidentSource.CENTRE_110,
        category=help_category,
        place_text="迎新村村口",
        community=yingxin,
        caller_phone="13983460033",
        description="八旬老人外出未归，家属求助。",
        client_id=_key("xipeng-dispatched"),
    )
    incident_dispatch(incident=sent, post=park, by=desk)  # waits for 李强 to take it
    created += 1

    # A complaint against the police (警务投诉) at 石桥铺, referred to the sub-bureau's
    # supervision unit (督察): the statistics count it, where 双凤's year has none (零投诉).
    complaint = _category(jiulongpo, "执法态度")
    if complaint is not None:
        shiqiaopu = Station.objects.get(code="500107-shiqiaopu")
        incident, _ = incident_report(
            by=history,
            station=shiqiaopu,
            source=IncidentSource.PHONE,
            category=complaint,
            place_text="石桥铺派出所户籍窗口",
            caller_phone="13883460044",
            description="群众来电投诉窗口民警办理户籍业务时态度生硬。",
            received_at=now - timedelta(days=6),
            client_id=_key("shiqiaopu-complaint"),
        )
        incident_close(
            incident=incident,
            disposition=Disposition.REFERRED,
            by=history,
            note="已报分局督察部门核查，被投诉民警回避",
        )
        created += 1

    # Cases: one public-security case due in two days, one criminal case under investigation.
    case_user = User.objects.get(username="xipeng_case")
    due = case_open(
        by=case_user,
        kind=CaseKind.PUBLIC_SECURITY,
        title="城西家园噪声扰民屡教不改案",
        lead_officer=case_user,
        accepted_at=now - timedelta(days=28),
    )
    case_transition(case=due, to="investigating", by=case_user)
    theft_case = case_open(
        by=case_user,
        kind=CaseKind.CRIMINAL,
        title="西彭工业园区铝材盗窃案",
        lead_officer=case_user,
        incidents=[fresh],
    )
    case_transition(case=theft_case, to="filed", by=case_user)
    case_transition(case=theft_case, to="investigating", by=case_user)
    return created
