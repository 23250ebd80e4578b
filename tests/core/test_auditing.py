"""The change history's request context (apps.core.auditing)."""

from unittest import mock

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db.models.signals import pre_save
from django.urls import reverse

from apps.core.testing.factories import PostFactory
from apps.core.testing.personas import XIPENG_LEADER


def test_a_request_connects_no_signal_receiver(client, org):
    client.force_login(org.user(XIPENG_LEADER))
    with mock.patch.object(pre_save, "connect") as connect:
        assert client.get(reverse("post-list")).status_code == 200
    connect.assert_not_called()


def test_set_actor_outside_a_request_still_names_its_actor(org):
    """A task that says who acts (auditlog's own `set_actor`) beside the request's receiver."""
    post = PostFactory(station=org.xipeng)
    with set_actor(org.user(XIPENG_LEADER)):
        post.phone = "023-5555"
        post.save()
    entry = LogEntry.objects.get_for_object(post).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == org.user(XIPENG_LEADER)
