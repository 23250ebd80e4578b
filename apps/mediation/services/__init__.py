"""Every write of the mediation app: keyword-only, one transaction, validated before saving,
a DomainError with a user-facing message otherwise. By subject:

- `intake`: taking disputes in, parties, assessment, escalation, the police hand-over and
  the mediator's assignment;
- `sessions`: consent, sessions held and planned, failure, withdrawal, reopening, closing;
- `agreements`: the agreement, its signatures, judicial confirmation, the follow-up visit;
- `slots`: the lawyers' bookable sittings;
- `thread`: the online mediation, its invitation links and texted invitations;
- `reminders`: the daily reminders.

A state change locks the dispute's row (`lock_for`) and checks the transition table inside
the transaction. The role a step needs is declared on its service (`apps.core.rules`).
"""

from .agreements import (
    agreement_confirmation,
    agreement_make,
    agreement_mediator_sign,
    agreement_print,
    agreement_seal,
    agreement_sign,
    follow_up_record,
    missing_signatures,
)
from .intake import (
    dispute_assess,
    dispute_assign,
    dispute_flag,
    dispute_open_incident,
    dispute_party_add,
    dispute_receive,
    intake_from_incident,
)
from .reminders import mediation_remind
from .sessions import (
    dispute_close,
    dispute_fail,
    dispute_reopen,
    dispute_withdraw,
    next_session_text,
    party_consent,
    session_record,
    session_schedule,
)
from .slots import slot_book, slot_cancel, slots_generate
from .thread import (
    can_text,
    invitation_days,
    invitation_link,
    invitation_read,
    invitation_sms,
    invitation_sms_deliver,
    invitation_token,
    thread_post,
    thread_post_by_party,
)

__all__ = [
    "agreement_confirmation",
    "agreement_make",
    "agreement_mediator_sign",
    "agreement_print",
    "agreement_seal",
    "agreement_sign",
    "can_text",
    "dispute_assess",
    "dispute_assign",
    "dispute_close",
    "dispute_fail",
    "dispute_flag",
    "dispute_open_incident",
    "dispute_party_add",
    "dispute_receive",
    "dispute_reopen",
    "dispute_withdraw",
    "follow_up_record",
    "intake_from_incident",
    "invitation_days",
    "invitation_link",
    "invitation_read",
    "invitation_sms",
    "invitation_sms_deliver",
    "invitation_token",
    "mediation_remind",
    "missing_signatures",
    "next_session_text",
    "party_consent",
    "session_record",
    "session_schedule",
    "slot_book",
    "slot_cancel",
    "slots_generate",
    "thread_post",
    "thread_post_by_party",
]
