"""The roles of the workbench as permission groups, kept in step by `sync_roles`.

Group names are the Chinese titles officers know; the permissions of each role are listed
here and nowhere else. `sync_roles` runs after every migrate and on demand
(`manage.py sync_roles`); it is idempotent.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

DESK_OFFICER = "值班民警"
COMMUNITY_OFFICER = "社区民警"
CASE_OFFICER = "办案民警"
STATION_LEADER = "所领导"
BUREAU_ADMIN = "分局管理员"
# The sub-bureau's legal affairs unit (分局法制大队): the superior organ that approves a
# station's extensions of time limits and decides reconsiderations of refusals to file.
LEGAL_AFFAIRS = "分局法制大队"
MEDIATOR = "调解员"
CITIZEN = "群众"
AUDITOR = "审计员"
TELEPHONE_SYSTEM = "电话系统"  # the PBX bridge's account: it reports ringing calls, nothing else


def _crud(app_label: str, model: str, *actions: str) -> list[str]:
    return [f"{app_label}.{action}_{model}" for action in actions]


ORGANISATION_MODELS = (
    "bureau",
    "station",
    "post",
    "policedistrict",
    "community",
    "staffassignment",
    "communityappointment",
)
ORGANISATION_VIEW = [f"stations.view_{model}" for model in ORGANISATION_MODELS]
PERSONAL_DATA = ["core.view_personal_data"]
REGISTRY_MODELS = ("address", "person", "housing", "residence", "unit", "hotelstay")
REGISTRY_VIEW = [f"registry.view_{model}" for model in REGISTRY_MODELS]
# Focus-person records have their own permission: the registry's view rights do not reach it.
FOCUS = "focusrecord"
TAXONOMY_VIEW = ["cases.view_incidentcategory"]
INCIDENTS_WORK = _crud("cases", "incident", "view", "add", "change")
CASES_WORK = _crud("cases", "case", "view", "add", "change")
ROSTER_KEEP = _crud("cases", "dutyshift", "view", "add", "change")
# Residence registration and permits: the window and the community officers decide.
PERMITS_VIEW = [
    f"permits.view_{model}"
    for model in (
        "permitapplication",
        "applicationdocument",
        "homevisit",
        "residencecertificate",
        "residencepermit",
        "permitendorsement",
        "enterpriseregistration",
    )
]
PERMITS_WORK = [
    *PERMITS_VIEW,
    *_crud("permits", "permitapplication", "add", "change"),
    *_crud("permits", "homevisit", "add"),
    *_crud("permits", "residencepermit", "change"),
    *_crud("permits", "enterpriseregistration", "add"),
]

MEDIATION_WORK = [
    *_crud("mediation", "dispute", "view", "add", "change"),
    *_crud("mediation", "mediationsession", "view", "add"),
    *_crud("mediation", "followup", "view", "change"),
    *_crud("mediation", "lawyerslot", "view", "change"),
    "mediation.view_mediator",
    "mediation.view_mediationcommittee",
]

# Noise: station staff watch sensors and turn events into incidents; leaders and bureau
# admins register sensors and hold their keys.
NOISE_WATCH = ["noise.view_noisesensor", *_crud("noise", "noiseevent", "view", "change")]
NOISE_KEEP = [*NOISE_WATCH, *_crud("noise", "noisesensor", "add", "change")]

# Patrols: community officers walk and record; the command room logs camera checks; leaders
# read the assessment; bureau admins set the rules and recompute.
PATROLS_VIEW = [
    f"patrols.view_{model}" for model in ("patrol", "finding", "videopatrol", "vehicle")
]
# The station's vehicles (电瓶巡逻车, 警车 …): leaders keep the list, bureau admins too.
VEHICLES_KEEP = _crud("patrols", "vehicle", "add", "change")
# The assessment (月考核、季通报、半年排名) is read by leaders and bureau admins only.
ASSESSMENT_READ = ["patrols.view_assessmentscore"]
PATROLS_WORK = [
    *PATROLS_VIEW,
    *_crud("patrols", "patrol", "add", "change"),
    *_crud("patrols", "finding", "add", "change"),
]
VIDEO_PATROL_KEEP = [*_crud("patrols", "videopatrol", "add", "change"), "patrols.add_finding"]

# Statistics: everyone at a station reads its figures (the desk its home counters); the
# bureau admin recomputes (the nightly schedule itself is the superuser's, in admin).
STATS_VIEW = ["stats.view_dailyfact", "stats.view_statsrun"]
STATS_KEEP = [*STATS_VIEW, "stats.add_statsrun"]

ROLES: dict[str, list[str]] = {
    TELEPHONE_SYSTEM: ["cases.add_incomingcall"],
    DESK_OFFICER: [
        "cases.view_incomingcall",
        *ORGANISATION_VIEW,
        *PERSONAL_DATA,
        *REGISTRY_VIEW,
        *_crud("registry", "person", "add", "change"),
        *_crud("registry", "residence", "add", "change"),
        *_crud("stations", "servicelog", "view", "add", "change"),
        *TAXONOMY_VIEW,
        *INCIDENTS_WORK,
        *ROSTER_KEEP,
        "cases.view_case",
        *PERMITS_WORK,
        *MEDIATION_WORK,
        *NOISE_WATCH,
        *STATS_VIEW,
        *PATROLS_VIEW,
        *VIDEO_PATROL_KEEP,
    ],
    COMMUNITY_OFFICER: [
        *ORGANISATION_VIEW,
        *PERSONAL_DATA,
        *[
            p
            for model in REGISTRY_MODELS
            for p in _crud("registry", model, "view", "add", "change")
        ],
        *_crud("registry", FOCUS, "view", "add", "change"),
        *_crud("registry", "importbatch", "view", "add"),
        "stations.change_community",
        *_crud("stations", "servicelog", "view", "add"),
        *TAXONOMY_VIEW,
        *INCIDENTS_WORK,
        "cases.view_dutyshift",
        *PERMITS_WORK,
        *MEDIATION_WORK,
        *NOISE_WATCH,
        *STATS_VIEW,
        *PATROLS_WORK,
    ],
    CASE_OFFICER: [
        *ORGANISATION_VIEW,
        *PERSONAL_DATA,
        "stations.view_servicelog",
        *REGISTRY_VIEW,
        f"registry.view_{FOCUS}",
        *TAXONOMY_VIEW,
        "cases.view_incident",
        *CASES_WORK,
    ],
    STATION_LEADER: [
        *ORGANISATION_VIEW,
        *PERSONAL_DATA,
        *[
            perm
            for model in (*REGISTRY_MODELS, FOCUS)
            for perm in _crud("registry", model, "view", "add", "change")
        ],
        *_crud("registry", "importbatch", "view", "add"),
        "stations.change_station",
        *_crud("stations", "post", "add", "change"),
        *_crud("stations", "policedistrict", "add", "change"),
        *_crud("stations", "community", "add", "change"),
        *_crud("stations", "staffassignment", "add", "change"),
        *_crud("stations", "communityappointment", "add", "change"),
        *_crud("stations", "servicelog", "view", "add", "change"),
        "core.view_accesslog",
        *TAXONOMY_VIEW,
        *INCIDENTS_WORK,
        *CASES_WORK,
        *ROSTER_KEEP,
        "cases.propose_extension",
        *PERMITS_WORK,
        *MEDIATION_WORK,
        *_crud("mediation", "mediator", "add", "change"),
        *_crud("mediation", "mediationcommittee", "add", "change"),
        *_crud("mediation", "lawyerslot", "add"),
        *NOISE_KEEP,
        *STATS_VIEW,
        *PATROLS_WORK,
        *VIDEO_PATROL_KEEP,
        *VEHICLES_KEEP,
        *ASSESSMENT_READ,
    ],
    BUREAU_ADMIN: [
        *PERSONAL_DATA,
        # Their own bureau's details only: bureaus themselves are created by a superuser.
        *_crud("stations", "bureau", "view", "change"),
        *[
            perm
            for model in ORGANISATION_MODELS[1:]
            for perm in _crud("stations", model, "view", "add", "change", "delete")
        ],
        *_crud("stations", "servicelog", "view", "add", "change", "delete"),
        *[
            perm
            for model in (*REGISTRY_MODELS, FOCUS)
            for perm in _crud("registry", model, "view", "add", "change", "delete")
        ],
        *_crud("registry", "importbatch", "view", "add"),
        "accounts.use_admin",
        *_crud("accounts", "user", "view", "add", "change"),
        *_crud("accounts", "devicetoken", "view", "delete"),
        "core.view_accesslog",
        "core.view_queuedtask",
        *[
            perm
            for model in ("incidentcategory", "procedurestep", "dispatchsettings", "dutyshift")
            for perm in _crud("cases", model, "view", "add", "change", "delete")
        ],
        *_crud("cases", "incident", "view", "change"),
        *_crud("cases", "case", "view", "change"),
        *PERMITS_WORK,
        *_crud("permits", "enterprisecontact", "view", "add", "change", "delete"),
        *_crud("mediation", "dispute", "view", "change"),
        *_crud("mediation", "mediator", "view", "add", "change", "delete"),
        *_crud("mediation", "mediationcommittee", "view", "add", "change", "delete"),
        *_crud("mediation", "lawyerslot", "view", "add", "change", "delete"),
        *_crud("mediation", "mediationsession", "view"),
        *_crud("mediation", "followup", "view"),
        *NOISE_KEEP,
        *STATS_KEEP,
        *PATROLS_VIEW,
        *VEHICLES_KEEP,
        "patrols.delete_vehicle",
        *_crud("patrols", "patrolsettings", "view", "add", "change"),
        *ASSESSMENT_READ,
        "patrols.add_assessmentscore",
        *_crud("noise", "noisesettings", "view", "add", "change"),
        "noise.view_noiselimit",
        "noise.view_noisereading",
    ],
    # Reads the bureau's cases and the incidents behind them; approves and decides, and
    # changes nothing else.
    LEGAL_AFFAIRS: [
        *TAXONOMY_VIEW,
        "cases.view_incident",
        "cases.view_case",
        "cases.approve_extension",
        "cases.decide_reconsideration",
    ],
    MEDIATOR: [
        "stations.view_station",
        "stations.view_post",
        "stations.view_community",
        *_crud("mediation", "dispute", "view", "change"),
        *_crud("mediation", "mediationsession", "view", "add"),
        "mediation.view_followup",
        "mediation.view_mediator",
        "mediation.view_lawyerslot",
    ],
    # Citizens file their own applications (portal and API); they read their own records
    # through ownership in `restrict()`, not through the officers' view permissions.
    CITIZEN: ["permits.add_permitapplication"],
    # The auditor reads the personal-data access log of their station or bureau and alone
    # deletes entries past the retention (apps.core.services.access_log_purge); nobody
    # changes an entry. They see who looked at what, never the data itself.
    AUDITOR: ["core.view_accesslog", "core.delete_accesslog"],
}


@transaction.atomic
def sync_roles(using: str = "default") -> None:
    """Create each role's group and set exactly its permissions (unknown ones are skipped,
    so a role may name permissions of apps that are not installed yet)."""
    for name, perms in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = set()
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.add((app_label, codename))
        found = (
            Permission.objects.using(using)
            .filter(
                content_type__app_label__in={a for a, _ in wanted},
                codename__in={c for _, c in wanted},
            )
            .select_related("content_type")
        )
        group.permissions.set(
            [p for p in found if (p.content_type.app_label, p.codename) in wanted]
        )
