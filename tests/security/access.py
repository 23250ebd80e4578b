"""The declared access rule of every page and API operation, grouped by the permission it
needs. The expected answer for each persona follows from the rule (`expected`):

- anonymous: a redirect to the login page (the portal's login for /apply/), 401 on the API;
- a persona that does not pass the gate — whose role lacks the permission, or who is not
  among the personas a special route admits: 403;
- a persona that passes it, for a record it cannot see (another station's, someone else's
  own): 404;
- otherwise success: the gate was passed (tests/security/probe.py says what counts).

Permissions are checked on the real roles (apps/accounts/roles.py) through `has_perm`, so a
role that gains or loses a permission changes the expectations with it.
"""

from dataclasses import dataclass, field

from apps.core.testing.personas import (
    ADMIN_USERS,
    ANONYMOUS,
    CITIZEN,
    JLP_ADMIN,
    MEDIATOR,
    SEES_XIPENG,
    SUPERUSER,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
)
from policestation.admin import may_use_admin

LOGIN, FORBIDDEN, NOT_FOUND, OK = "login", "403", "404", "ok"

# Who finds a record of 西彭: its station's staff and mediator (a mediator only what is
# assigned to them), the sub-bureau's admin, the superuser.
SEES_STATION = frozenset(SEES_XIPENG)
# Records above station level (a bureau's statistics runs) are the bureau's own: station
# staff do not see them even with the view permission.
SEES_BUREAU = frozenset({JLP_ADMIN, SUPERUSER})
# The citizen's own application, certificate and permit: theirs and the officers' in scope.
SEES_OWN_AND_XIPENG = frozenset(SEES_XIPENG | {CITIZEN})


@dataclass(frozen=True)
class Rule:
    perms: tuple[str, ...] = ()  # all needed; none: any signed-in user
    personas: frozenset | None = None  # instead of perms: exactly these pass
    also: frozenset = frozenset()  # pass besides the holders of `perms`
    public: bool = False  # no login at all (login pages, /verify/<token>, invitation links)
    # False: the route takes a device's credentials (a sensor's key), and to it every user
    # is nobody.
    users: bool = True

    def admits(self, persona: str, user) -> bool:
        if self.public:
            return True
        if persona == ANONYMOUS:
            return False
        if self.personas is not None:
            return persona in self.personas
        return persona in self.also or all(user.has_perm(p) for p in self.perms)


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    rule: Rule
    obj: str | None = None  # scene key of the record the URL addresses
    lookup: str | None = "pk"  # its URL argument and attribute; None: named in the query
    sees: frozenset = SEES_STATION  # who finds that record
    # Who, of those who find the record, may do this to it (the others get 403): a saved
    # query is deleted by its owner only. None: all of them.
    allowed: frozenset | None = None
    kwargs: tuple = ()  # other URL arguments: ("field", "phone"), ("token", "$join_token")
    query: str = ""
    data: dict | None = None
    multipart: bool = False  # an API upload
    portal: bool = False  # anonymous goes to the portal's login

    @property
    def label(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.kwargs)
        return f"{self.method} {self.name}" + (f"[{extra}]" if extra else "")


def expected(route: Route, persona: str, user) -> str:
    if route.rule.public:
        return OK
    if persona == ANONYMOUS or not route.rule.users:
        return LOGIN
    if not route.rule.admits(persona, user):
        return FORBIDDEN
    if route.obj and persona not in route.sees:
        return NOT_FOUND
    if route.allowed is not None and persona not in route.allowed:
        return FORBIDDEN
    return OK


@dataclass(frozen=True)
class At:
    name: str
    obj: str | None = None
    methods: str = "GET"
    options: dict = field(default_factory=dict)


def at(name, obj=None, methods="GET", **options) -> At:
    return At(name, obj, methods, options)


def group(rule: Rule, *entries: At, **shared) -> list[Route]:
    return [
        Route(name=e.name, method=m, rule=rule, obj=e.obj, **{**shared, **e.options})
        for e in entries
        for m in e.methods.split()
    ]


def perm(*perms, **kw) -> Rule:
    return Rule(perms=perms, **kw)


ANYONE = Rule(public=True)
NOON = "2026-01-05T12:00:00+08:00"  # a time in the past, for bodies that need one
SIGNED_IN = Rule()
OWN_RECORDS = frozenset({CITIZEN})


def crud(basename, app_model, obj, writes="POST PUT PATCH", patch=None, **options):
    """A model viewset's list and detail (and the writes it offers) under the model's
    view, add, change and delete permissions."""
    app, model = app_model.split(".")

    def needs(action):
        return perm(f"{app}.{action}_{model}")

    list_, detail = f"{basename}-list", f"{basename}-detail"
    routes = group(needs("view"), at(list_), at(detail, obj), **options)
    writes = writes.split()
    # In a fixed order: pytest-xdist's workers must collect the same list.
    if "POST" in writes:
        routes += group(needs("add"), at(list_, methods="POST", data={}), **options)
    if "PUT" in writes:
        routes += group(needs("change"), at(detail, obj, "PUT", data={}), **options)
    if "PATCH" in writes:
        routes += group(needs("change"), at(detail, obj, "PATCH", data=patch or {}), **options)
    if "DELETE" in writes:
        routes += group(needs("delete"), at(detail, obj, "DELETE"), **options)
    return routes


ROUTES: list[Route] = [
    # --- public ----------------------------------------------------------------------------
    *group(
        ANYONE,
        at("healthz"),
        at("accounts:login", methods="GET POST"),
        # Logging out is harmless for anyone; it ends on the login page.
        at("accounts:logout", methods="POST"),
        at("set_language", methods="POST", data={"language": "en"}),
        at("permits:portal_login", methods="GET POST"),
        at("permits:portal_signup", methods="GET POST"),
        at("permits:portal_code_login", methods="GET POST"),
        at("permits:portal_password_reset", methods="GET POST"),
        at("permits:verify", kwargs=(("token", "$verify_token"),)),
        at(
            "mediation:join",
            methods="GET POST",
            kwargs=(("pk", "#dispute"), ("token", "$join_token")),
        ),
        at("mediation:join_thread", kwargs=(("pk", "#dispute"), ("token", "$join_token"))),
        at(
            "mediation:join_file",
            kwargs=(("pk", "#dispute"), ("token", "$join_token"), ("message", "#message")),
        ),
        at("patrols:tablet_sw"),
        at("api-schema"),
        at("api-docs"),
        at("auth-token", methods="POST", data={}),
    ),
    # --- any signed-in user: their own things ---------------------------------------------
    *group(
        SIGNED_IN,
        at("home"),
        at("accounts:devices"),
        at("accounts:password_change", methods="GET POST", data={}),
        at("notification_list"),
        at("notification_read", methods="POST", data={"id": "#notification"}),
        at("auth-me"),
        at("auth-logout", methods="POST"),
        at("device-token-list"),
        at("notification-list"),
        at("notification-read-all", methods="POST"),
        at("cases:ringing"),  # a call ringing at one's own desk (none here: 204)
    ),
    # The desk officer's tablet token and message: theirs alone, whoever else asks.
    *group(
        SIGNED_IN,
        at("accounts:device_revoke", "devicetoken", "POST"),
        at("device-token-detail", "devicetoken", "DELETE"),
        lookup="token_key",
        sees=frozenset({XIPENG_DESK}),
    ),
    *group(
        SIGNED_IN,
        at("notification-detail", "notification"),
        at("notification-read", "notification", "POST"),
        sees=frozenset({XIPENG_DESK}),
    ),
    # The second factor of Django admin: for those who may use admin (staff with the role).
    *group(
        perm("accounts.use_admin"),
        at("accounts:otp_setup", methods="GET POST", data={}),
        at("accounts:otp_verify", methods="GET POST", data={}),
    ),
    # --- the citizens' portal: any account, its own records only --------------------------
    *group(
        SIGNED_IN,
        at("permits:portal_home"),
        at("permits:portal_addresses", query="community=#community"),
        at("permits:portal_application", "application", sees=OWN_RECORDS),
        portal=True,
    ),
    # Filing is the citizens' role's permission (the window's officers have it too).
    *group(
        perm("permits.add_permitapplication"),
        at("permits:portal_new", methods="GET POST"),
        at("permits:portal_upload", "application", "POST"),
        at("permits:portal_submit", "application", "POST"),
        at("permits:portal_permit_start", "certificate", "POST"),
        portal=True,
        sees=OWN_RECORDS,
    ),
    # An enterprise's contact person (the citizen, for 西彭铝业) and nobody else.
    *group(
        Rule(personas=OWN_RECORDS),
        at("permits:portal_enterprise", methods="GET POST"),
        at("permits:portal_enterprise_batch", "enterprise", sees=OWN_RECORDS),
        portal=True,
    ),
    # --- organisation ----------------------------------------------------------------------
    *group(
        perm("stations.view_bureau"),
        at("stations:bureau_list"),
        at("stations:bureau_detail", "bureau"),
    ),
    *group(
        perm("stations.view_station"),
        at("stations:station_list"),
        at("stations:station_detail", "station"),
    ),
    *group(perm("stations.change_station"), at("stations:station_update", "station", "GET POST")),
    *[
        route
        for model, page, patch in (
            ("post", "post", {"phone": "023-68000888"}),
            ("policedistrict", "district", {"real_population": 61234}),
            ("community", "community", {"population": 3100}),
            ("staffassignment", "staff", {"duty": "迎新村网格员"}),
        )
        for route in (
            *group(
                perm(f"stations.view_{model}"),
                at(f"stations:{page}_list"),
                at(f"stations:{page}_detail", page),
            ),
            *group(
                perm(f"stations.add_{model}"), at(f"stations:{page}_create", methods="GET POST")
            ),
            *group(
                perm(f"stations.change_{model}"),
                at(f"stations:{page}_update", page, "GET POST"),
            ),
            *crud(model, f"stations.{model}", page, patch=patch),
        )
    ],
    *group(
        perm("stations.view_staffassignment", "core.view_personal_data"),
        at("stations:staff_reveal", "staff", "POST", kwargs=(("field", "phone"),)),
    ),
    *crud("bureau", "stations.bureau", "bureau", writes=""),
    *crud("communityappointment", "stations.communityappointment", "appointment", writes=""),
    # The maps: their places (the user's scope, or one station of it) and the offline tile
    # package (tests/security/conftest.py gives the scene one with the tile 0/0/0).
    *group(
        perm("stations.view_community"),
        at("places", "station", lookup=None, query="station=#station"),
    ),
    *group(
        perm("stations.view_station"),
        at("map_tile", kwargs=(("z", 0), ("x", 0), ("y", 0), ("ext", "png"))),
    ),
    *crud("station", "stations.station", "station", "PUT PATCH", patch={"phone": "023-68000999"}),
    *group(perm("stations.view_servicelog"), at("stations:servicelog_list")),
    *group(
        perm("stations.add_servicelog"),
        at("stations:servicelog_create", methods="POST", data={"kind": "consultation"}),
    ),
    *crud("servicelog", "stations.servicelog", "servicelog", ""),
    *group(
        perm("stations.add_servicelog"),
        at("servicelog-list", methods="POST", data={"kind": "consultation"}),
    ),
    # --- registry --------------------------------------------------------------------------
    *[
        route
        for model, page, patch in (
            ("address", "address", {"room": "302"}),
            ("person", "person", {"domicile_address": "重庆市江津区双福街道"}),
            ("housing", "housing", {"is_rented": True}),
            ("unit", "unit", {"staff_count": 200}),
        )
        for route in (
            *group(
                perm(f"registry.view_{model}"),
                at(f"registry:{page}_list"),
                at(f"registry:{page}_detail", page),
            ),
            *group(
                perm(f"registry.add_{model}"), at(f"registry:{page}_create", methods="GET POST")
            ),
            *group(
                perm(f"registry.change_{model}"), at(f"registry:{page}_update", page, "GET POST")
            ),
            *crud(model, f"registry.{model}", page, patch=patch),
        )
    ],
    *crud("residence", "registry.residence", "residence", patch={"relation": "tenant"}),
    *crud("hotelstay", "registry.hotelstay", "hotelstay", patch={"room": "8808"}),
    *crud("focusrecord", "registry.focusrecord", "focusrecord", patch={"reason": "复查后维持关注"}),
    *group(perm("registry.view_hotelstay"), at("registry:hotelstay_list")),
    *group(
        perm("registry.view_person", "core.view_personal_data"),
        at("registry:person_reveal", "person", "POST", kwargs=(("field", "id_number"),)),
    ),
    *group(
        perm("registry.view_unit", "core.view_personal_data"),
        at("registry:unit_reveal", "unit", "POST", kwargs=(("field", "contact_phone"),)),
    ),
    *group(perm("registry.add_person"), at("registry:resident_register", methods="GET POST")),
    # The intake's caller lookup: a read of the person registry, posted (numbers stay out
    # of URLs).
    *group(
        perm("registry.view_person"),
        at("registry:caller_lookup", methods="POST", data={"caller_lookup": "张"}),
    ),
    *group(
        perm("registry.view_address"), at("registry:address_options", query="community=#community")
    ),
    # The hub (百宝箱) is for whoever reads the person registry.
    *group(
        perm("registry.view_person"),
        at("registry:savedquery_create", methods="POST", data={"name": "新筛网", "params": "q=张"}),
        at("registry:hub_collision", methods="GET POST"),
        at("registry:hub_comparison"),
        at("registry:hub_classification"),
        at("hub-classification", query="by=gender"),
        at("hub-collision", methods="POST", data={}),
        at(
            "hub-comparison",
            query="measure=hotel_stays&first_start=2026-01-01&first_end=2026-01-31"
            "&second_start=2026-02-01&second_end=2026-02-28",
        ),
        at("savedquery-list", methods="GET POST"),
        at("savedquery-detail", "savedquery"),
        # Colleagues use a saved query; only the one who saved it deletes it.
        at(
            "savedquery-detail",
            "savedquery",
            "DELETE",
            allowed=frozenset({XIPENG_COMMUNITY, SUPERUSER}),
        ),
        at("person-lookup", methods="POST", data={}),
    ),
    *group(
        perm("registry.view_importbatch"),
        at("registry:import_list"),
        at("registry:import_detail", "importbatch"),
    ),
    *group(
        perm("registry.add_importbatch"),
        at("registry:import_create", methods="GET POST"),
        at("registry:import_commit", "importbatch", "POST"),
    ),
    # --- incidents -------------------------------------------------------------------------
    *group(
        perm("cases.view_incident"),
        at("cases:incident_list"),
        at("cases:incident_detail", "incident"),
        at("cases:attachment_file", "attachment"),
        at("cases:board"),
        at("cases:jobs"),
        at("cases:job_detail", "incident"),
        at("cases:repeat_callers"),
        at("stats:board"),
        at("board"),
        at("incident-list"),
        at("incident-detail", "incident"),
        at("incident-suggestions", "incident"),
    ),
    *group(
        perm("cases.add_incident"),
        at("cases:incident_create", methods="GET POST"),
        at("cases:incident_suggest", methods="POST", data={"place": "迎新村"}),
        at("place-match", query="text=迎新村3组"),
        at("incident-caller-history", methods="POST", data={"phone": "13983001234"}),
        at("incident-list", methods="POST", data={"source": "110", "place_text": "迎新村3组"}),
    ),
    # The telephone system's account alone reports ringing calls; no persona has its role.
    *group(
        perm("cases.add_incomingcall"),
        at("incoming-call", methods="POST", data={"extension": "8001", "phone": "13983001234"}),
    ),
    *group(
        perm("cases.view_incomingcall", "core.view_personal_data"),
        at("cases:call_reveal", "call", "POST", kwargs=(("field", "phone"),)),
    ),
    *group(
        perm("cases.change_incident"),
        *(
            at(f"cases:incident_{action}", "incident", "POST")
            for action in ("dispatch", "take", "status", "checklist", "attach")
        ),
        at("cases:incident_note", "incident", "POST", data={"text": "到场处置完毕"}),
        at("cases:incident_close", "incident", "POST", data={"disposition": "settled"}),
        *(
            at(f"incident-{action}", "incident", "POST", data={})
            for action in ("checklist", "dispatch-to-post", "take", "field-status")
        ),
        at("incident-close", "incident", "POST", data={"disposition": "settled"}),
    ),
    *crud("incidentcategory", "cases.incidentcategory", "category", writes=""),
    # --- cases -----------------------------------------------------------------------------
    *group(
        perm("cases.view_case"),
        at("cases:case_list"),
        at("cases:overdue"),
        at("cases:case_detail", "case"),
        at("cases:case_not_filed_notice", "refused_case"),
        at("cases:evidence_file", "evidence"),
        at("case-list"),
        at("case-detail", "case"),
    ),
    *group(
        perm("cases.add_case"),
        at("cases:case_create", methods="GET POST"),
        at("case-list", methods="POST", data={"kind": "criminal", "title": "盗窃电动车"}),
    ),
    *group(
        perm("cases.change_case"),
        *(
            at(f"cases:case_{action}", "case", "POST")
            for action in ("transition", "evidence", "suspension", "suspension_end", "injury")
        ),
        at("cases:case_reconsideration", "refused_case", "POST"),
        at("cases:case_party", "case", "POST", data={"role": "witness", "name": "赵六"}),
        *(at(f"case-{action}", "case", "POST", data={}) for action in ("evidence", "transition")),
        at("case-parties", "case", "POST", data={"role": "witness", "name": "赵六"}),
    ),
    # The station leader proposes a longer time limit; the sub-bureau's legal affairs unit
    # (the superior organ) decides it and decides reconsiderations of refusals to file.
    *group(
        perm("cases.propose_extension"),
        at("cases:case_extend", "case", "POST"),
        at("case-extend", "case", "POST", data={}),
    ),
    *group(
        perm("cases.approve_extension"),
        at("cases:case_extension_decide", "case", "POST"),
        at("case-decide-extension", "case", "POST", data={}),
    ),
    *group(
        perm("cases.decide_reconsideration"),
        at("cases:case_reconsideration_decide", "refused_case", "POST"),
    ),
    # --- duty roster -----------------------------------------------------------------------
    *group(perm("cases.view_dutyshift"), at("cases:roster"), at("cases:shift_list")),
    *group(
        perm("cases.add_dutyshift"),
        at("cases:roster_generate", methods="GET POST"),
        at("cases:roster_import", methods="GET POST"),
        at("cases:shift_create", methods="GET POST"),
    ),
    *group(perm("cases.change_dutyshift"), at("cases:shift_update", "shift", "GET POST")),
    *crud(
        "dutyshift",
        "cases.dutyshift",
        "shift",
        writes="POST PUT PATCH DELETE",
        patch={"note": "换班"},
    ),
    # --- permits: the officers' side -------------------------------------------------------
    *group(
        perm("permits.view_permitapplication"),
        at("permits:queue"),
        at("permits:application_list"),
        at("permits:application_detail", "application"),
    ),
    *group(
        perm("permits.view_permitapplication", "core.view_personal_data"),
        at("permits:application_reveal", "application", "POST", kwargs=(("field", "id_number"),)),
    ),
    *group(
        perm("permits.change_permitapplication"),
        *(
            at(f"permits:{action}", "application", "POST")
            for action in ("approve", "review", "supplement", "reject", "visit")
        ),
        *(
            at(f"permitapplication-{action}", "application", "POST", data={})
            for action in ("approve", "review", "supplement", "reject", "visit")
        ),
    ),
    # Documents, certificates and permits: to their holder as well as to the officers.
    *group(
        perm("permits.view_applicationdocument", also=OWN_RECORDS),
        at("permits:document_file", "document"),
        sees=SEES_OWN_AND_XIPENG,
    ),
    *group(
        perm("permits.view_residencecertificate"),
        at("permits:certificate_list"),
    ),
    *group(
        perm("permits.view_residencecertificate", also=OWN_RECORDS),
        at("permits:certificate_detail", "certificate"),
        at("permits:certificate_pdf", "certificate"),
        at("permits:certificate_code", "certificate"),
        sees=SEES_OWN_AND_XIPENG,
    ),
    *group(perm("permits.view_residencepermit"), at("permits:permit_list")),
    *group(
        perm("permits.view_residencepermit", also=OWN_RECORDS),
        at("permits:permit_detail", "permit"),
        at("permits:permit_pdf", "permit"),
        at("permits:permit_code", "permit"),
        at("permits:permit_photo", "permit"),
        sees=SEES_OWN_AND_XIPENG,
    ),
    *group(
        perm("permits.change_residencepermit"),
        at("permits:permit_endorse", "permit", "POST"),
        at("permits:permit_revoke", "permit", "POST"),
        at("residencepermit-endorse", "permit", "POST", data={}),
        at("residencepermit-revoke", "permit", "POST", data={}),
    ),
    # The API: applicants read their own records without the officers' view permission.
    *group(
        perm("permits.view_permitapplication", also=OWN_RECORDS),
        at("permitapplication-list"),
        at("permitapplication-detail", "application", sees=SEES_OWN_AND_XIPENG),
    ),
    *group(
        perm("permits.view_applicationdocument", also=OWN_RECORDS),
        at(
            "permitapplication-document-file",
            "application",
            kwargs=(("document_pk", "#document"),),
            sees=SEES_OWN_AND_XIPENG,
        ),
    ),
    *group(
        perm("permits.add_permitapplication"),
        at("permitapplication-list", methods="POST", data={}),
        at("permitapplication-documents", "application", "POST", sees=SEES_OWN_AND_XIPENG),
        at("permitapplication-submit", "application", "POST", sees=SEES_OWN_AND_XIPENG),
        at(
            "residencecertificate-permit-application",
            "certificate",
            "POST",
            data={},
            sees=SEES_OWN_AND_XIPENG,
        ),
    ),
    *group(
        perm("permits.view_residencecertificate", also=OWN_RECORDS),
        at("residencecertificate-list"),
        at("residencecertificate-detail", "certificate", sees=SEES_OWN_AND_XIPENG),
        at("residencecertificate-live-code", "certificate", sees=SEES_OWN_AND_XIPENG),
    ),
    *group(
        perm("permits.view_residencepermit", also=OWN_RECORDS),
        at("residencepermit-list"),
        at("residencepermit-detail", "permit", sees=SEES_OWN_AND_XIPENG),
        at("residencepermit-live-code", "permit", sees=SEES_OWN_AND_XIPENG),
    ),
    # Enterprise lists: the window, and the enterprise's own contact person.
    *group(
        perm("permits.view_enterpriseregistration"),
        at("permits:enterprise_batches"),
        at("permits:enterprise_batch", "enterprise"),
    ),
    *group(
        perm("permits.view_enterpriseregistration", "permits.add_enterpriseregistration"),
        at("permits:enterprise_batches", methods="POST"),
    ),
    *group(
        perm("permits.view_enterpriseregistration", also=OWN_RECORDS),
        at("enterpriseregistration-list"),
        at("enterpriseregistration-detail", "enterprise", sees=SEES_OWN_AND_XIPENG),
    ),
    *group(
        perm("permits.add_enterpriseregistration", also=OWN_RECORDS),
        at("enterpriseregistration-list", methods="POST", data={}, multipart=True),
    ),
    # --- mediation -------------------------------------------------------------------------
    *group(
        perm("mediation.view_dispute"),
        at("mediation:dispute_list"),
        at("mediation:board"),
        at("mediation:overdue"),
        at("mediation:dispute_detail", "dispute"),
        at("mediation:thread", "dispute"),
        at("mediation:message_file", "message"),
        at("mediation:agreement_pdf", "agreement"),
        at("mediation:agreement_scan", "agreement"),
        at("dispute-list"),
        at("dispute-detail", "dispute"),
        at("dispute-counts"),
        at("dispute-agreement-pdf", "dispute"),
    ),
    *group(
        perm("mediation.add_dispute"),
        at("mediation:dispute_create", methods="GET POST"),
        at(
            "dispute-list",
            methods="POST",
            data={"source": "walk_in", "category": "neighbour", "description": "噪声纠纷"},
        ),
    ),
    *group(
        perm("mediation.change_dispute"),
        *(
            at("mediation:dispute_action", "dispute", "POST", kwargs=(("name", name),))
            for name in (
                "flag",
                "agreement",
                "confirmation",
                "fail",
                "withdraw",
                "close",
                "reopen",
                "schedule",
                "invite",
            )
        ),
        at(
            "mediation:dispute_action",
            "dispute",
            "POST",
            kwargs=(("name", "party"),),
            data={"role": "other", "name": "赵六"},
        ),
        at(
            "mediation:dispute_action",
            "dispute",
            "POST",
            kwargs=(("name", "message"),),
            data={"text": "请按时参加调解"},
        ),
        *(
            at(f"dispute-{action}", "dispute", "POST", data={})
            for action in (
                "agreement",
                "close",
                "confirmation",
                "consent",
                "fail",
                "flag",
                "reopen",
                "sign",
                "withdraw",
            )
        ),
        at("dispute-parties", "dispute", "POST", data={"role": "other", "name": "赵六"}),
    ),
    # Assessment and assignment are the intake staff's, not the mediators'.
    *group(
        perm("mediation.change_dispute", "mediation.add_dispute"),
        at("mediation:dispute_action", "dispute", "POST", kwargs=(("name", "assess"),)),
        at("mediation:dispute_action", "dispute", "POST", kwargs=(("name", "assign"),)),
        at("dispute-assess", "dispute", "POST", data={}),
        at("dispute-assign", "dispute", "POST", data={}),
    ),
    *group(
        perm("mediation.change_dispute", "mediation.add_mediationsession"),
        at("mediation:dispute_action", "dispute", "POST", kwargs=(("name", "session"),)),
    ),
    *group(
        perm("mediation.change_dispute", "mediation.change_followup"),
        at("mediation:dispute_action", "dispute", "POST", kwargs=(("name", "follow_up"),)),
    ),
    *group(
        perm("mediation.change_dispute", "cases.add_incident"),
        at("mediation:dispute_action", "dispute", "POST", kwargs=(("name", "open_incident"),)),
        at("dispute-open-incident", "dispute", "POST"),
    ),
    *group(perm("mediation.view_followup"), at("mediation:follow_ups")),
    *crud("followup", "mediation.followup", "followup", writes=""),
    *group(
        perm("mediation.change_followup"),
        at("followup-record", "followup", "POST", data={"result": "carried_out"}),
    ),
    *group(
        perm("mediation.view_mediator"),
        at("mediation:mediator_list"),
        at("mediation:mediator_detail", "mediator"),
    ),
    *crud(
        "mediator",
        "mediation.mediator",
        "mediator",
        writes="POST PUT PATCH DELETE",
        patch={"organisation": "西彭司法所"},
    ),
    *crud("mediationsession", "mediation.mediationsession", "session", writes=""),
    *group(
        perm("mediation.add_mediationsession"),
        at(
            "mediationsession-list",
            methods="POST",
            data={"dispute": "#dispute", "held_at": NOON, "attendees": "张三", "mode": "online"},
        ),
    ),
    *group(perm("mediation.view_lawyerslot"), at("mediation:slots")),
    # A mediator's account sees its own slots only (a lawyer's, when the lawyer has one).
    *crud("lawyerslot", "mediation.lawyerslot", "slot", "POST", sees=SEES_STATION - {MEDIATOR}),
    *group(
        perm("mediation.change_lawyerslot"),
        at("mediation:slot_book", "slot", "POST"),
        at("lawyerslot-book", "slot", "POST", data={}),
        at("lawyerslot-cancel", "slot", "POST"),
        sees=SEES_STATION - {MEDIATOR},
    ),
    # --- noise -----------------------------------------------------------------------------
    *group(perm("noise.view_noisesensor"), at("noise:dashboard")),
    *group(perm("noise.view_noiseevent"), at("noise:event_detail", "event")),
    *group(
        perm("noise.change_noiseevent", "cases.add_incident"),
        at("noise:event_to_incident", "event", "POST"),
        at("noiseevent-to-incident", "event", "POST", data={}),
    ),
    *crud(
        "noisesensor", "noise.noisesensor", "sensor", "POST PATCH", patch={"name": "改名的传感器"}
    ),
    *group(
        perm("noise.change_noisesensor"),
        at("noisesensor-rotate-key", "sensor", "POST"),
        at("noisesensor-revoke-key", "sensor", "POST"),
    ),
    *crud("noiseevent", "noise.noiseevent", "event", writes=""),
    # Readings come from the sensors themselves, with their key: no user account is one.
    *group(Rule(users=False), at("noise-readings", methods="POST", data={})),
    # --- patrols ---------------------------------------------------------------------------
    *group(
        perm("patrols.view_patrol"),
        at("patrols:patrol_list"),
        at("patrols:patrol_detail", "patrol"),
        at("patrols:live"),
        at("patrol-broadcasts", "patrol"),
        at("patrol-track", "patrol"),
    ),
    *group(perm("patrols.add_patrol"), at("patrols:patrol_create", methods="GET POST")),
    *group(
        perm("patrols.change_patrol"),
        at("patrols:patrol_tablet", "patrol"),
        *(
            at(f"patrols:patrol_{action}", "patrol", "POST")
            for action in ("start", "finish", "cancel")
        ),
        *(
            at(f"patrol-{action}", "patrol", "POST", data={})
            for action in ("broadcasts", "cancel", "finish", "start", "track")
        ),
    ),
    *crud("patrol", "patrols.patrol", "patrol", "POST PATCH", patch={"note": "改线路"}),
    *group(
        perm("patrols.view_vehicle"),
        at("patrols:vehicle_board"),
        at("patrols:vehicle_detail", "vehicle"),
    ),
    *group(perm("patrols.add_vehicle"), at("patrols:vehicle_create", methods="GET POST")),
    *group(perm("patrols.change_vehicle"), at("patrols:vehicle_update", "vehicle", "GET POST")),
    *crud("vehicle", "patrols.vehicle", "vehicle", "POST PATCH", patch={"note": "电瓶已更换"}),
    *group(
        perm("patrols.view_finding"),
        at("patrols:finding_list"),
        at("patrols:finding_detail", "finding"),
        at("patrols:finding_photo", "finding"),
        at("patrol-finding-list"),
        at("patrol-finding-detail", "finding"),
        at("patrol-finding-photo", "finding"),
    ),
    *group(
        perm("patrols.add_finding"),
        at(
            "patrol-finding-list",
            methods="POST",
            data={"kind": "hazard", "description": "路灯损坏", "place": "迎新村2组"},
        ),
    ),
    *group(
        perm("patrols.change_finding"),
        at("patrols:finding_handle", "finding", "POST", data={"note": "已修复"}),
        at("patrol-finding-handle", "finding", "POST", data={"note": "已修复"}),
    ),
    *group(
        perm("patrols.change_finding", "cases.add_incident"),
        at("patrols:finding_to_incident", "finding", "POST"),
        at("patrol-finding-to-incident", "finding", "POST", data={}),
    ),
    *group(
        perm("patrols.change_finding", "mediation.add_dispute"),
        at("patrols:finding_to_dispute", "finding", "POST"),
        at("patrol-finding-to-dispute", "finding", "POST", data={}),
    ),
    *group(
        perm("patrols.view_videopatrol"),
        at("patrols:video_list"),
        at("video-patrol-list"),
        at("video-patrol-detail", "videopatrol"),
    ),
    *group(
        perm("patrols.view_videopatrol", "patrols.add_videopatrol"),
        at("patrols:video_list", methods="POST"),
    ),
    *group(
        perm("patrols.add_videopatrol"),
        at(
            "video-patrol-list",
            methods="POST",
            data={"kind": "mouse", "camera": "2号枪机", "checked_at": NOON, "observation": "正常"},
        ),
    ),
    *group(
        perm("patrols.view_assessmentscore"),
        *(
            at(f"patrols:{name}")
            for name in (
                "assessment",
                "assessment_xlsx",
                "assessment_quarter",
                "assessment_quarter_pdf",
                "assessment_quarter_xlsx",
                "assessment_half",
            )
        ),
        at("assessment-list"),
        at("assessment-detail", "assessment"),
    ),
    *group(
        perm("patrols.add_assessmentscore"),
        at("patrols:assessment_recompute", methods="POST"),
        at("patrols:assessment_progress"),
        at("assessment-recompute", methods="POST", data={}),
    ),
    # --- statistics and the access log -----------------------------------------------------
    *group(
        perm("stats.view_dailyfact"),
        *(
            at(f"stats:{name}")
            for name in (
                "dashboard",
                "dashboard_xlsx",
                "compare",
                "compare_xlsx",
                "bulletin",
                "bulletin_ranking",
            )
        ),
        at(
            "stats-series",
            "station",
            lookup=None,
            query="unit=station:#station&metric=incidents&from=2026-01-01&to=2026-03-31",
        ),
    ),
    *group(perm("stats.view_statsrun"), at("stats:runs")),
    *group(perm("stats.view_statsrun"), at("stats:run_detail", "statsrun"), sees=SEES_BUREAU),
    *group(perm("stats.add_statsrun"), at("stats:recompute", methods="POST")),
    *group(
        perm("stats.add_statsrun"),
        at("stats:run_restart", "statsrun", methods="POST"),
        sees=SEES_BUREAU,
    ),
    *group(perm("core.view_accesslog"), at("accesslog_list")),
    # Only the auditor role deletes old entries, and no persona of the matrix is one.
    *group(perm("core.delete_accesslog"), at("accesslog_purge", methods="POST")),
]


# --- Django admin --------------------------------------------------------------------------
# Per registered model: the scene record whose change page is probed (None: the changelist
# and the add page only) and who finds it. A sub-bureau admin finds its own bureau's records;
# rows with no bureau (the national noise limits) every admin finds.
SEES_IN_ADMIN = frozenset({JLP_ADMIN, SUPERUSER})
SEES_ALL_ADMINS = frozenset(ADMIN_USERS)
ADMIN_SCENE: dict[str, tuple[str | None, frozenset]] = {
    "auth.Group": (None, SEES_IN_ADMIN),
    **{
        f"axes.{model}": (None, SEES_IN_ADMIN)
        for model in ("AccessAttempt", "AccessFailureLog", "AccessLog")
    },
    "auditlog.LogEntry": (None, SEES_IN_ADMIN),
    **{
        f"django_celery_beat.{model}": (None, SEES_IN_ADMIN)
        for model in (
            "ClockedSchedule",
            "CrontabSchedule",
            "IntervalSchedule",
            "PeriodicTask",
            "SolarSchedule",
        )
    },
    "core.AccessLog": ("accesslog", SEES_IN_ADMIN),
    "core.Notification": ("notification", SEES_IN_ADMIN),
    "core.QueuedTask": (None, SEES_IN_ADMIN),
    "otp_totp.TOTPDevice": (None, SEES_IN_ADMIN),
    "accounts.User": ("user", SEES_IN_ADMIN),
    "accounts.DeviceToken": ("devicetoken", SEES_IN_ADMIN),
    "accounts.PhoneCode": ("phonecode", SEES_IN_ADMIN),
    "stations.Bureau": ("bureau", SEES_IN_ADMIN),
    "stations.Station": ("station", SEES_IN_ADMIN),
    "stations.Post": ("post", SEES_IN_ADMIN),
    "stations.PoliceDistrict": ("district", SEES_IN_ADMIN),
    "stations.Community": ("community", SEES_IN_ADMIN),
    "stations.StaffAssignment": ("staff", SEES_IN_ADMIN),
    "stations.CommunityAppointment": ("appointment", SEES_IN_ADMIN),
    "stations.ServiceLog": ("servicelog", SEES_IN_ADMIN),
    "registry.Address": ("address", SEES_IN_ADMIN),
    "registry.Person": ("person", SEES_IN_ADMIN),
    "registry.Housing": ("housing", SEES_IN_ADMIN),
    "registry.Residence": ("residence", SEES_IN_ADMIN),
    "registry.Unit": ("unit", SEES_IN_ADMIN),
    "registry.HotelStay": ("hotelstay", SEES_IN_ADMIN),
    "registry.FocusRecord": ("focusrecord", SEES_IN_ADMIN),
    "registry.ImportBatch": ("importbatch", SEES_IN_ADMIN),
    "cases.DispatchSettings": ("dispatchsettings", SEES_IN_ADMIN),
    "cases.IncidentCategory": ("category", SEES_IN_ADMIN),
    "cases.Incident": ("incident", SEES_IN_ADMIN),
    "cases.IncomingCall": ("call", SEES_IN_ADMIN),
    "cases.Case": ("case", SEES_IN_ADMIN),
    "cases.DutyShift": ("shift", SEES_IN_ADMIN),
    "permits.PermitApplication": ("application", SEES_IN_ADMIN),
    "permits.ApplicationDocument": ("document", SEES_IN_ADMIN),
    "permits.HomeVisit": ("homevisit", SEES_IN_ADMIN),
    "permits.ResidenceCertificate": ("certificate", SEES_IN_ADMIN),
    "permits.ResidencePermit": ("permit", SEES_IN_ADMIN),
    "permits.PermitEndorsement": ("endorsement", SEES_IN_ADMIN),
    "permits.EnterpriseRegistration": ("enterprise", SEES_IN_ADMIN),
    "permits.EnterpriseContact": ("enterprisecontact", SEES_IN_ADMIN),
    "mediation.MediationCommittee": ("committee", SEES_IN_ADMIN),
    "mediation.Mediator": ("mediator", SEES_IN_ADMIN),
    "mediation.Dispute": ("dispute", SEES_IN_ADMIN),
    "mediation.MediationSession": ("session", SEES_IN_ADMIN),
    "mediation.FollowUp": ("followup", SEES_IN_ADMIN),
    "mediation.LawyerSlot": ("slot", SEES_IN_ADMIN),
    "noise.NoiseLimit": ("noiselimit", SEES_ALL_ADMINS),
    "noise.NoiseSettings": ("noisesettings", SEES_IN_ADMIN),
    "noise.NoiseSensor": ("sensor", SEES_IN_ADMIN),
    "noise.NoiseReading": ("reading", SEES_IN_ADMIN),
    "noise.NoiseEvent": ("event", SEES_IN_ADMIN),
    "patrols.PatrolSettings": ("patrolsettings", SEES_IN_ADMIN),
    "patrols.Patrol": ("patrol", SEES_IN_ADMIN),
    "patrols.Vehicle": ("vehicle", SEES_IN_ADMIN),
    "patrols.TrackBatch": ("trackbatch", SEES_IN_ADMIN),
    "patrols.Finding": ("finding", SEES_IN_ADMIN),
    "patrols.VideoPatrol": ("videopatrol", SEES_IN_ADMIN),
    "patrols.AssessmentScore": ("assessment", SEES_IN_ADMIN),
    "stats.DailyFact": ("dailyfact", SEES_IN_ADMIN),
    "stats.StatsRun": ("statsrun", SEES_IN_ADMIN),
}


# Records that only the services, the tablets or the sensors write (or that are evidence):
# admin adds none of them, whoever asks.
ADMIN_ADDS_NONE = frozenset(
    {
        "accounts.DeviceToken",
        "accounts.PhoneCode",
        "auditlog.LogEntry",
        "axes.AccessAttempt",
        "axes.AccessFailureLog",
        "axes.AccessLog",
        "cases.Case",
        "cases.Incident",
        "cases.IncomingCall",
        "core.AccessLog",
        "core.Notification",
        "core.QueuedTask",
        "otp_totp.TOTPDevice",
        "patrols.AssessmentScore",
        "mediation.Dispute",
        "mediation.FollowUp",
        "mediation.MediationSession",
        "noise.NoiseEvent",
        "noise.NoiseReading",
        "patrols.Finding",
        "patrols.Patrol",
        "patrols.TrackBatch",
        "patrols.VideoPatrol",
        "permits.ApplicationDocument",
        "permits.EnterpriseRegistration",
        "permits.HomeVisit",
        "permits.PermitApplication",
        "permits.PermitEndorsement",
        "permits.ResidenceCertificate",
        "permits.ResidencePermit",
        "registry.ImportBatch",
        "stats.DailyFact",
        "stats.StatsRun",
    }
)


def expected_in_admin(page: str, persona: str, user, model, sees: frozenset) -> str:
    """page: "changelist", "add" or "change" (of the scene's record)."""
    if persona == ANONYMOUS or not may_use_admin(user):
        return LOGIN
    opts = model._meta

    def may(action):
        return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    if page == "add" and opts.label in ADMIN_ADDS_NONE:
        return FORBIDDEN
    if not (may("add") if page == "add" else may("view") or may("change")):
        return FORBIDDEN
    if page == "change" and persona not in sees:
        return NOT_FOUND
    return OK
