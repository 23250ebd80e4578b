from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..models import Notification
from ..notifications import notifications_mark_read
from .pagination import TimeCursorPagination


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many messages were marked read.")


class NotificationPagination(TimeCursorPagination):
    ordering = ("-created_at", "-id")


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The requesting user's own messages (every user has a message centre, citizens too)."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = NotificationPagination
    queryset = Notification.objects.all()

    def get_queryset(self):
        user = self.request.user
        return Notification.objects.restrict(user).filter(recipient=user)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        return Response(
            {"marked": notifications_mark_read(user=request.user, ids=[notification.pk])}
        )

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications_mark_read(user=request.user)})
