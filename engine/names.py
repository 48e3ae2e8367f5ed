"""Names shared by the rules and the services (kept apart so that neither imports the other)."""

SYSTEM_ACTOR = "system"
OBJECTION_MESSAGE = "objection"
NOTICE_TIMER_ID = "notice_period"
