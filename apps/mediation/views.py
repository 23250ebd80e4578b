"""Pages of the mediation app: the desk's intake and overdue list, the dispute page with one
form per next step (desk, tablet and mediator alike), mediators with their figures, the
community officer's follow-up list and the lawyer's slots. Thin: services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.core.errors import DomainError
from apps.core.pagination import NoCountPaginator
from apps.core.qr import qr_svg
from apps.core.rules import may
from apps.core.scoping import VIEW
from apps.core.uploads import private_file_response
from apps.core.views import ScopedDetailView, ScopedListView, form_errors, require_perm

from . import selectors, services
from .choices import DisputeStatus
from .filters import DisputeFilter, MediatorFilter
from .forms import (
    AgreementForm,
    AssessForm,
    AssignForm,
    BookForm,
    ConfirmationForm,
    ConsentForm,
    DisputeForm,
    FailForm,
    FlagForm,
    FollowUpForm,
    MessageForm,
    NoteForm,
    PartyForm,
    ScheduleForm,
    SessionForm,
    SignForm,
)
from .models import Agreement, Dispute, LawyerSlot, Mediator, PartyInvitation, ThreadMessage
from .workflow import NEXT_STEP, SCHEDULABLE

S = DisputeStatus


def _dispute(request, pk, action=VIEW) -> Dispute:
    dispute = (
        Dispute.objects.restrict(request.user, action)
        .select_related("station", "community", "post", "mediator", "incident")
        .get_or_404(pk)
    )
    return dispute


class DisputeList(ScopedListView):
    model = Dispute
    filterset_class = DisputeFilter
    paginator_class = NoCountPaginator
    select_related = ("community", "mediator")
    columns = [
        ("number", gettext_lazy("Number")),
        ("received_at", pgettext_lazy("dispute", "Received at")),
        ("category", gettext_lazy("Dispute category")),
        ("source", gettext_lazy("Source")),
        ("community", gettext_lazy("Village / community")),
        ("risk_level", gettext_lazy("Risk level")),
        ("status", gettext_lazy("Status")),
        ("mediator", gettext_lazy("Mediator")),
    ]
    create_url_name = "mediation:dispute_create"


@login_required
def dispute_create(request):
    require_perm(request, "mediation.add_dispute")
    form = DisputeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = services.dispute_receive(by=request.user, **form.service_kwargs())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Dispute %(number)s recorded.") % {"number": dispute})
            return redirect(dispute)
    return render(request, "mediation/dispute_form.html", {"form": form})


class DisputeDetail(ScopedDetailView):
    model = Dispute
    template_name = "mediation/dispute_detail.html"
    select_related = ("station", "community", "post", "mediator", "incident", "escalation_incident")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dispute = self.object
        parties = list(dispute.parties.select_related("person"))
        agreements = list(dispute.agreements.prefetch_related("signatures__party"))
        for agreement in agreements:
            agreement.dispute = dispute
            agreement.missing = services.missing_signatures(agreement)
        context.update(_thread_context(dispute))
        context.update(
            parties=parties,
            events=dispute.events.select_related("by"),
            sessions=dispute.sessions.all(),
            agreements=agreements,
            follow_ups=dispute.follow_ups.select_related("officer", "done_by"),
            next_session=services.next_session_text(dispute),
            # The lawyer's sittings booked for it (律师每周四坐班).
            lawyer_slots=dispute.lawyer_slots.select_related("mediator").order_by("starts_at"),
        )
        if not self.request.user.has_perm("mediation.change_dispute") or dispute.status == S.CLOSED:
            return context
        status = dispute.status
        context["next_step"] = NEXT_STEP.get(status)
        forms = {"flag": FlagForm(), "party": PartyForm(), "message": MessageForm()}
        context["invitations"] = _invitations(self.request, dispute, parties)
        context["invitation_days"] = services.invitation_days()
        user = self.request.user
        if status == S.RECEIVED and may(user, services.dispute_assess):
            forms["assess"] = AssessForm(initial={"category": dispute.category})
        if status in (S.ASSESSED, S.ASSIGNED) and may(user, services.dispute_assign):
            forms["assign"] = AssignForm(station=dispute.station)
        if status in SCHEDULABLE:
            forms["schedule"] = ScheduleForm(
                initial={
                    "at": dispute.next_session_at and timezone.localtime(dispute.next_session_at),
                    "mode": dispute.next_session_mode,
                    "place": dispute.next_session_place,
                }
            )
        pending = [p for p in parties if not p.consent]
        if pending and status in (S.RECEIVED, S.ASSESSED, S.ASSIGNED, S.IN_MEDIATION):
            forms["consent"] = ConsentForm(parties=pending, initial={"at": timezone.localtime()})
        if status in (S.ASSIGNED, S.IN_MEDIATION):
            forms["session"] = SessionForm(initial={"held_at": timezone.localtime()})
        if status == S.IN_MEDIATION:
            forms["agreement"] = AgreementForm(parties=parties)
            forms["fail"] = FailForm()
        if status in (S.RECEIVED, S.ASSESSED, S.ASSIGNED, S.IN_MEDIATION):
            forms["withdraw"] = NoteForm()
        if status in (S.FAILED, S.WITHDRAWN, S.FOLLOWED_UP):
            forms["close"] = NoteForm()
        if status == S.FOLLOWED_UP:
            forms["reopen"] = NoteForm()
        latest = agreements[0] if agreements else None
        if latest and latest.in_force and latest.in_effect:
            forms["confirmation"] = ConfirmationForm(initial={"on": timezone.localdate()})
        elif latest and latest.in_force and not latest.oral:
            sign = SignForm(agreement=latest, parties=parties)
            if sign.fields["signer"].choices:
                forms["sign"] = sign
        pending = [f for f in context["follow_ups"] if f.done_at is None]
        if pending and may(user, services.follow_up_record):
            context["pending_follow_up"] = pending[0]
            forms["follow_up"] = FollowUpForm()
        context["forms"] = forms
        context["can_open_incident"] = (
            dispute.is_escalated
            and not dispute.escalation_incident_id
            and may(user, services.dispute_open_incident)
        )
        return context


def _invitations(request, dispute, parties) -> list[dict]:
    """Each party's invitation to the online mediation: the signed link, its QR code to
    scan from the screen, whether it can be texted (a mobile number) and when it last was."""
    texted = {}
    for invitation in PartyInvitation.objects.filter(dispute=dispute).order_by("created_at"):
        texted[invitation.party_id] = invitation
    site = request.build_absolute_uri("/")
    rows = []
    for party in parties:
        link = services.invitation_link(party=party, by=request.user, site_url=site)
        rows.append(
            {
                "party": party,
                "link": link,
                "qr": qr_svg(link, scale=3),
                "can_text": services.can_text(party.phone),
                "last_text": texted.get(party.pk),
            }
        )
    return rows


@login_required
def agreement_print(request, pk):
    """The agreement as a PDF in Chinese, for the parties to sign or keep."""
    require_perm(request, "mediation.view_dispute")
    agreement = (
        Agreement.objects.restrict(request.user)
        .select_related("dispute__station", "dispute__mediator")
        .get_or_404(pk)
    )
    pdf = services.agreement_print(agreement=agreement, by=request.user, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{agreement.dispute.number}.pdf"'
    return response


@login_required
def agreement_scan(request, pk):
    require_perm(request, "mediation.view_dispute")
    agreement = Agreement.objects.restrict(request.user).filter(pk=pk).exclude(scan="").first()
    if agreement is None:
        raise Http404
    return private_file_response(
        agreement.scan.name,
        content_type=agreement.scan_content_type,
        download_name=agreement.scan_name,
    )


@login_required
def overdue(request):
    """Disputes past their assessment deadline, the latest first."""
    require_perm(request, "mediation.view_dispute")
    return render(
        request, "mediation/overdue.html", {"rows": selectors.overdue_assessments(request.user)}
    )


@login_required
def follow_ups(request):
    """The officer's follow-up visits (回访), or all the station's with ?all=1."""
    require_perm(request, "mediation.view_followup")
    mine = not request.GET.get("all")
    rows = selectors.follow_ups_for(request.user, mine=mine)
    return render(request, "mediation/follow_ups.html", {"rows": rows, "mine": mine})


class MediatorList(ScopedListView):
    model = Mediator
    filterset_class = MediatorFilter
    template_name = "mediation/mediator_list.html"

    def get_queryset(self):
        return selectors.with_stats(super().get_queryset())


class MediatorDetail(ScopedDetailView):
    model = Mediator
    template_name = "mediation/mediator_detail.html"

    def get_queryset(self):
        return selectors.with_stats(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        m = self.object
        context["rate"] = selectors.resolution_rate(m.resolved, m.concluded)
        context["disputes"] = Dispute.objects.restrict(self.request.user).filter(mediator=m)[:50]
        return context


@login_required
def slots(request):
    """The lawyers' coming slots, free ones bookable."""
    require_perm(request, "mediation.view_lawyerslot")
    rows = (
        LawyerSlot.objects.restrict(request.user)
        .filter(starts_at__gte=timezone.now())
        .select_related("mediator", "dispute")
    )
    page = NoCountPaginator(rows, 50).page(request.GET.get("page"))
    return render(request, "mediation/slots.html", {"page_obj": page, "form": BookForm()})


@login_required
def board(request):
    """The desk's board: escalating, overdue and new disputes, and the station's figures."""
    require_perm(request, "mediation.view_dispute")
    rows = Dispute.objects.restrict(request.user).select_related("community", "mediator")
    open_rows = rows.filter(status__in=(S.RECEIVED, S.ASSESSED, S.ASSIGNED, S.IN_MEDIATION))
    context = {
        "escalating": [
            d for d in open_rows.exclude(signs=[], risk_level="")[:200] if d.is_escalated
        ],
        "overdue": selectors.overdue_assessments(request.user)[:50],
        "new": open_rows.filter(status=S.RECEIVED)[:50],
        "counts": selectors.dispute_counts(request.user),
    }
    return render(request, "mediation/board.html", context)


# --- online mediation thread ---------------------------------------------------------------


def _thread_context(dispute, *, token=None):
    return {
        "dispute": dispute,
        "thread": dispute.messages.select_related("author", "party"),
        "token": token,
    }


@login_required
def thread(request, pk):
    """The thread's messages, for the dispute page to refresh without reload."""
    require_perm(request, "mediation.view_dispute")
    return render(request, "mediation/_thread.html", _thread_context(_dispute(request, pk)))


@login_required
def message_file(request, pk):
    require_perm(request, "mediation.view_dispute")
    message = ThreadMessage.objects.restrict(request.user).filter(pk=pk).exclude(file="").first()
    if message is None:
        raise Http404
    return private_file_response(
        message.file.name, content_type=message.content_type, download_name=message.file_name
    )


def _party(request, pk, token):
    """The party an invitation admits, or a refusal page (403) for a bad or old link."""
    try:
        return services.invitation_read(token=token, dispute_id=pk), None
    except DomainError as exc:
        page = render(request, "mediation/join_refused.html", {"message": exc.message}, status=403)
        return None, page


def join(request, pk, token):
    """A party's view of the online mediation thread, reached by a signed invitation link
    without a police account; the messages refresh every few seconds."""
    party, refused = _party(request, pk, token)
    if refused:
        return refused
    form = MessageForm()
    if request.method == "POST":
        # Bound even when empty (`request.POST or None` is not): an unbound form cannot
        # carry the error.
        form = MessageForm(request.POST, request.FILES)
        try:
            if not form.is_valid():
                raise DomainError(form_errors(form))
            services.thread_post_by_party(
                party=party, text=form.cleaned_data["text"], upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("mediation:join", pk=pk, token=token)
    context = {
        **_thread_context(party.dispute, token=token),
        "party": party,
        "form": form,
        "next_session": services.next_session_text(party.dispute),
    }
    return render(request, "mediation/join.html", context)


def join_thread(request, pk, token):
    party, refused = _party(request, pk, token)
    if refused:
        return refused
    return render(request, "mediation/_thread.html", _thread_context(party.dispute, token=token))


def join_file(request, pk, token, message):
    party, refused = _party(request, pk, token)
    if refused:
        return refused
    found = party.dispute.messages.filter(pk=message).exclude(file="").first()
    if found is None:
        raise Http404
    return private_file_response(
        found.file.name, content_type=found.content_type, download_name=found.file_name
    )
