from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import DeviceToken, User


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("username"), max_length=150)
    password = serializers.CharField(label=_("password"), max_length=128, trim_whitespace=False)
    device = serializers.CharField(label=_("device"), max_length=100, required=False, default="")


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "kind",
            "badge_number",
            "bureau",
            "station",
            "post",
            "roles",
        ]

    def get_roles(self, user) -> list[str]:
        return sorted(user.role_names)


class TokenIssuedSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()
    device = serializers.CharField()
    user = MeSerializer()


class DeviceTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeviceToken
        fields = ["token_key", "device", "created", "expiry"]
