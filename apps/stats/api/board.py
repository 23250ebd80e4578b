"""`GET /api/v1/board/`: the command room's live board as JSON (apps/stats/board.py), for
the wall screen's script and for any other client. Whoever may view incidents may read it;
what it holds is their scope."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core import replicas

from ..board.selectors import board_data
from .serializers import BoardSerializer

BOARD_PERMISSION = "cases.view_incident"


class BoardView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "posts_version",
                str,
                description="posts_version of an earlier answer: posts is null while unchanged",
            )
        ],
        responses=BoardSerializer,
    )
    def get(self, request):
        if not request.user.has_perm(BOARD_PERMISSION):
            raise PermissionDenied
        replicas.allow(request.user)  # a wall screen's view, seconds behind at most
        known = request.query_params.get("posts_version") or None
        response = Response(board_data(user=request.user, posts_version=known))
        response["Cache-Control"] = "no-store"
        return response
