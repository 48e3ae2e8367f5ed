"""Sending: each pending delivery is claimed by one worker (a compare-and-set on its next attempt
time: no lock is held while talking to a mail server), sent, and its outcome recorded. A failure
is retried with exponential backoff, up to NOTIFY_MAX_ATTEMPTS, then marked failed. A worker that
dies mid-send leaves the claim to expire and the delivery is tried again (at least once)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings

from ops.models import Delivery
from ops.notify.channels import CHANNELS

logger = logging.getLogger(__name__)
CLAIM = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    return min(LAST_RETRY, FIRST_RETRY * 2 ** (attempts - 1))


def deliver_due(*, now: datetime, limit: int = 200) -> int:
    """Send the deliveries due at `now`; returns how many were sent."""
    sent = 0
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
    for pk, attempt_at in list(due.order_by("next_attempt_at", "pk").values_list("pk", "next_attempt_at")[:limit]):
        claimed = Delivery.objects.filter(pk=pk, status=Delivery.Status.PENDING, next_attempt_at=attempt_at).update(
            next_attempt_at=now + CLAIM
        )
        if not claimed:  # another worker took it
            continue
        delivery = Delivery.objects.select_related("notification__user").get(pk=pk)
        sent += _attempt(delivery, now=now)
    return sent


def _attempt(delivery: Delivery, *, now: datetime) -> int:
    attempts = delivery.attempts + 1
    try:
        CHANNELS[delivery.channel].send(delivery.address, delivery.notification)
    except Exception as error:  # noqa: BLE001 - any channel failure is recorded and retried
        failed = attempts >= settings.NOTIFY_MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:2000],
            status=Delivery.Status.FAILED if failed else Delivery.Status.PENDING,
            next_attempt_at=now + retry_delay(attempts),
        )  # fmt: skip
        logger.warning("notification not delivered", extra={"delivery": delivery.pk, "channel": delivery.channel,
                       "attempt": attempts, "gave_up": failed, "error": str(error)[:300]})  # fmt: skip
        return 0
    Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts, status=Delivery.Status.SENT, sent_at=now,
                                                   last_error="")  # fmt: skip
    logger.info("notification delivered", extra={"delivery": delivery.pk, "channel": delivery.channel,
                                                  "kind": delivery.notification.kind})  # fmt: skip
    return 1
