"""API tokens that expire and can be revoked.

A token is valid for settings.TOKEN_TTL_HOURS after it was issued (`Token.created`); an expired
token is refused (401 `authentication_failed`) and deleted, and the next POST /api/auth/token/
issues a new one. POST /api/auth/token/revoke/ deletes the caller's token at once; an administrator
deletes anyone's in the admin (令牌).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import Throttled


def token_expired(token: Token, now=None) -> bool:
    return (now or timezone.now()) - token.created >= timedelta(hours=settings.TOKEN_TTL_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            Token.objects.filter(pk=token.pk).delete()
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新登录"))
        return user, token


class LoginLocked(Throttled):
    default_detail = "登录失败次数过多，请稍后再试"
    default_code = "too_many_attempts"

    def __init__(self):
        super().__init__(wait=settings.LOGIN_LOCKOUT_SECONDS, detail=_("登录失败次数过多，请稍后再试"))
