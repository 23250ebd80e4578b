from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import exceptions, mixins, permissions, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.throttling import ClientScopedRateThrottle

from ..auth import DeviceTokenAuthentication
from ..models import DeviceToken
from ..services import device_token_issue, device_token_revoke
from .serializers import (
    DeviceTokenSerializer,
    MeSerializer,
    TokenIssuedSerializer,
    TokenRequestSerializer,
)


class TokenCreateView(APIView):
    """POST username, password and a device name: a token for that tablet or phone."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "token"

    def get_authenticate_header(self, request):
        # A wrong password is a 401 (with the scheme to use), not a 403.
        return "Token"

    @extend_schema(request=TokenRequestSerializer, responses={201: TokenIssuedSerializer})
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # django-axes counts failures on the Django request, keyed on username and IP.
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            raise exceptions.AuthenticationFailed(_("Wrong username or password."))
        token, secret = device_token_issue(user=user, device=data.validated_data["device"])
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        body = {"token": secret, "expiry": token.expiry, "device": token.device, "user": user}
        return Response(TokenIssuedSerializer(body).data, status=201)


class TokenLogoutView(KnoxLogoutView):
    """POST with the token: that token stops working at once."""

    authentication_classes = [DeviceTokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class DeviceTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own live device tokens; DELETE revokes one."""

    serializer_class = DeviceTokenSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "token_key"
    queryset = DeviceToken.objects.none()

    def get_queryset(self):
        user = self.request.user
        return DeviceToken.objects.restrict(user).filter(user=user).live()

    def perform_destroy(self, instance):
        device_token_revoke(token=instance, by=self.request.user)
