"""The time limits of cases as dated rules: a case follows the law in force on the day it
was accepted (受案), however long it lasts.

Public-security cases (治安案件):
- 治安管理处罚法 (2005) 第99条, in force until 2025-12-31: handled within 30 days of
  acceptance; a major or complex case may be extended once by 30 days with the approval of
  the superior public-security organ; time spent on appraisal (鉴定) to establish the facts
  does not count.
- 治安管理处罚法 (revised 2025-06-27, in force 2026-01-01) 第117条: the same 30 days and
  30-day extension approved by the superior organ; if the case still cannot be finished, a
  further 30 days with the same approval; time spent on appraisal and on hearings (听证)
  does not count.

Criminal matters (公安机关办理刑事案件程序规定 第178条 and 《关于改革完善受案立案制度的意见》):
the decision to file (立案) or not is due within 3 days of acceptance; where clues must be
verified, up to 7 days; major, difficult or complex matters up to 30 days, with the approval
of a county-level organ (the sub-bureau). A refusal is notified to the complainant within 3
days (第179条), who may ask for reconsideration (复议) within 7 days of receiving it; the
organ decides within 30 days (第180条).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PublicSecurityRule:
    effective: date  # first day of acceptance the rule governs
    citation: str
    limit: timedelta
    extension: timedelta
    max_extensions: int
    # The kinds of suspended period (choices.SuspensionKind) that do not count.
    excluded: frozenset[str]


PUBLIC_SECURITY_RULES: tuple[PublicSecurityRule, ...] = (
    PublicSecurityRule(
        effective=date(2006, 3, 1),
        citation="治安管理处罚法（2005）第99条",
        limit=timedelta(days=30),
        extension=timedelta(days=30),
        max_extensions=1,
        excluded=frozenset({"appraisal"}),
    ),
    PublicSecurityRule(
        effective=date(2026, 1, 1),
        citation="治安管理处罚法（2025年修订）第117条",
        limit=timedelta(days=30),
        extension=timedelta(days=30),
        max_extensions=2,
        excluded=frozenset({"appraisal", "hearing"}),
    ),
)


def public_security_rule(accepted_at: datetime) -> PublicSecurityRule:
    """The rule in force on the (Chinese) calendar day the case was accepted."""
    day = timezone.localdate(accepted_at)
    in_force = [rule for rule in PUBLIC_SECURITY_RULES if rule.effective <= day]
    return in_force[-1] if in_force else PUBLIC_SECURITY_RULES[0]


# Criminal filing review (立案审查).
FILING_REVIEW = timedelta(days=3)
# The longer reviews the sub-bureau may approve, in days from acceptance, with their reason.
FILING_EXTENSIONS = {
    7: _("Clues must be verified (up to 7 days)"),
    30: _("Major, difficult or complex matter (up to 30 days)"),
}
NOT_FILED_NOTICE_WITHIN = timedelta(days=3)
RECONSIDERATION_WITHIN = timedelta(days=7)
RECONSIDERATION_DECIDED_WITHIN = timedelta(days=30)
