"""Two desks booking the lawyer's slot at once, on PostgreSQL (CI): the row lock decides.
SQLite serialises every write, so these run where real concurrency exists."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.errors import Conflict
from apps.core.testing.concurrency import needs_postgres, run_together
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_DESK
from apps.mediation.models import Dispute, LawyerSlot
from apps.mediation.services import dispute_receive, slot_book


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_bookings_one_wins_and_one_is_told_the_slot_is_taken(scene):
    start = timezone.now() + timedelta(days=2)
    slot = LawyerSlot.objects.create(
        station=scene.org.xipeng,
        mediator=scene.lawyer,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    users = [scene.org.user(XIPENG_DESK), scene.org.user(XIPENG_COMMUNITY)]

    def book(index):
        return slot_book(
            slot=LawyerSlot.objects.get(pk=slot.pk), by=users[index], booked_for=f"来访人{index}"
        )

    results = run_together(2, book)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "LawyerSlot"]
    refused = next(r for r in results if not isinstance(r, LawyerSlot))
    assert isinstance(refused, Conflict) and refused.code == "slot_taken"
    winner = next(r for r in results if isinstance(r, LawyerSlot))
    slot.refresh_from_db()
    assert slot.booked_for == winner.booked_for and slot.booked_by == winner.booked_by


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_dispute_numbers_taken_at_once_have_no_gaps_and_no_repeats(scene):
    desk = scene.org.user(XIPENG_DESK)

    def receive_five(index):
        return [
            dispute_receive(
                by=desk, source="walk_in", category="debt", description=f"欠款{index}-{n}"
            ).number
            for n in range(5)
        ]

    results = run_together(4, receive_five)
    numbers = sorted(n for batch in results for n in batch)
    year = Dispute.objects.first().received_at.year
    assert numbers == [f"500107530100TJ{year}{i:06d}" for i in range(1, 21)]
