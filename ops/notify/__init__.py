"""Notifications: who must be told what, and its delivery through channels.

The timer worker collects them each round (outbox.collect) from what the engine has committed:
new work items, a meeting being convened, deadline escalations, complaints whose reply falls due;
then delivers them (delivery.deliver_due) through each recipient's channels (channels), with
retries and one Delivery record per channel.
"""

from ops.notify.delivery import deliver_due
from ops.notify.outbox import collect

__all__ = ["collect", "deliver_due"]
