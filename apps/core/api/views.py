from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import Notification
from ..notifications import notifications_mark_read
from ..views import signed_in
from .pagination import TimeCursorPagination


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]


class MarkedSerializer(serializers.Serializer[dict[str, int]]):
    marked = serializers.IntegerField(help_text="How many messages were marked read.")


class NotificationPagination(TimeCursorPagination):
    ordering = ("-created_at", "-id")


class NotificationViewSet(viewsets.ReadOnlyModelViewSet[Notification]):
    """The requesting user's own messages (every user has a message centre, citizens too)."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = NotificationPagination
    queryset = Notification.objects.all()

    def get_queryset(self) -> QuerySet[Notification]:
        user = signed_in(self.request)  # IsAuthenticated
        return Notification.objects.restrict(user).filter(recipient=user)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        return Response(
            {"marked": notifications_mark_read(user=signed_in(request), ids=[notification.pk])}
        )

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": notifications_mark_read(user=signed_in(request))})
