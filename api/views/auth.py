"""Logging in for the API: tokens issued with an expiry, revoked on request, and refused while the
user name or the client address is locked out after repeated failures (ops.auth)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import LoginLocked, token_expired
from api.views.base import PARSERS
from ops import auth as lockout


class TokenView(ObtainAuthToken):
    """以用户名和密码换取令牌（Authorization: Token <key>）。令牌在签发后 TOKEN_TTL_HOURS 小时失效；
    同一用户名或同一地址连续登录失败过多时暂停登录（429）。"""

    parser_classes = PARSERS
    throttle_classes: list = []

    def post(self, request, *args, **kwargs):
        username = str(request.data.get("username", "")) if hasattr(request.data, "get") else ""
        if lockout.is_locked(request, username):
            raise LoginLocked()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        with transaction.atomic():
            token = Token.objects.select_for_update().filter(user=user).first()
            if token is not None and token_expired(token):
                token.delete()
                token = None
            if token is None:
                token = Token.objects.create(user=user)
        return Response({"token": token.key, "expires_at": token.created + timedelta(hours=settings.TOKEN_TTL_HOURS)})


class RevokeTokenView(APIView):
    """注销当前令牌：此后该令牌不再有效。"""

    schema = None

    def post(self, request):
        if isinstance(request.auth, Token):
            Token.objects.filter(pk=request.auth.pk).delete()
        return Response(status=204)
