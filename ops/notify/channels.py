"""Delivery channels. A channel names the address it uses from a profile and sends one message,
raising on failure (the caller records it and retries later).

- email: Django's e-mail backend (SMTP: EMAIL_HOST, EMAIL_PORT, ...), built in;
- webhook: a JSON POST to NOTIFY_WEBHOOK_URL for an SMS or WeCom gateway, which receives the
  recipient's phone and WeCom id and the message (Authorization: Bearer NOTIFY_WEBHOOK_TOKEN).
"""

from __future__ import annotations

import json
import urllib.request
from abc import ABC, abstractmethod

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from ops.models import Notification, NotificationProfile


class Channel(ABC):
    """A way to reach people (e-mail, webhook): where to send for a user, and how."""

    name = ""

    def enabled(self) -> bool:
        return True

    @abstractmethod
    def address(self, user, profile: NotificationProfile | None) -> str:
        """The user's address on this channel ("" when he has none)."""

    @abstractmethod
    def send(self, address: str, notification: Notification) -> None:
        """Deliver one notification; raises on failure (the outbox retries)."""


class EmailChannel(Channel):
    name = "email"

    def address(self, user, profile):
        return (profile.email if profile else "") or user.email

    def send(self, address, notification):
        connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
        message = EmailMessage(notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [address],
                               connection=connection, headers={"X-Township-Notification": notification.key})  # fmt: skip
        if message.send() != 1:
            raise RuntimeError("the e-mail backend sent nothing")


class WebhookError(RuntimeError):
    pass


class WebhookChannel(Channel):
    name = "webhook"

    def enabled(self):
        return bool(settings.NOTIFY_WEBHOOK_URL)

    def address(self, user, profile):
        if profile is None:
            return ""
        return profile.phone or (f"wecom:{profile.wecom_id}" if profile.wecom_id else "")

    def send(self, address, notification):
        body = {"key": notification.key, "kind": notification.kind, "to": address,
                "user": notification.user.get_username(), "subject": notification.subject,
                "body": notification.body, "data": notification.payload}  # fmt: skip
        request = urllib.request.Request(settings.NOTIFY_WEBHOOK_URL, method="POST",
                                         data=json.dumps(body, ensure_ascii=False).encode(),
                                         headers={"Content-Type": "application/json; charset=utf-8"})  # fmt: skip
        if settings.NOTIFY_WEBHOOK_TOKEN:
            request.add_header("Authorization", f"Bearer {settings.NOTIFY_WEBHOOK_TOKEN}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - configured URL
                status = response.status
        except urllib.error.HTTPError as error:
            raise WebhookError(f"HTTP {error.code}") from error
        if not 200 <= status < 300:
            raise WebhookError(f"HTTP {status}")


CHANNELS: dict[str, Channel] = {c.name: c for c in (EmailChannel(), WebhookChannel())}


def channels_for(user, profile: NotificationProfile | None, kind: str) -> list[tuple[str, str]]:
    """(channel, address) pairs to deliver a notification of `kind` to `user` by."""
    if profile is not None and kind in (profile.muted_kinds or []):
        return []
    names = (profile.channels if profile is not None and profile.channels else ["email"])
    pairs = []
    for name in names:
        channel = CHANNELS.get(name)
        if channel is None or not channel.enabled():
            continue
        address = channel.address(user, profile)
        if address:
            pairs.append((name, address))
    return pairs
