"""Steps every mediation test needs before a session: each party's consent (人民调解法
art. 3), and for an agreement to take effect, every signature and the seal (art. 29)."""

from apps.mediation import services
from apps.mediation.choices import Consent


def consent_all(dispute, by):
    for party in dispute.parties.filter(consent=""):
        services.party_consent(party=party, by=by, consent=Consent.GIVEN)


def sign_all(agreement, by):
    """Every party signs, the mediator signs, the committee's seal is affixed where one is
    needed: the agreement is in effect."""
    signed = set(agreement.signatures.values_list("party_id", flat=True))
    for party in agreement.dispute.parties.exclude(pk__in=signed):
        services.agreement_sign(agreement=agreement, party=party, by=by)
    agreement.refresh_from_db()
    if agreement.mediator_signed_at is None:
        services.agreement_mediator_sign(agreement=agreement, by=by)
    agreement.refresh_from_db()
    if agreement.needs_seal and agreement.sealed_at is None:
        services.agreement_seal(agreement=agreement, by=by)
    agreement.refresh_from_db()
    return agreement
