"""Errors raised on purpose by the diagrams package.

Each error carries a machine-readable ``code`` (as the engine's errors do) so a caller can map it
to an HTTP status or a message without parsing text.
"""

from __future__ import annotations


class DiagramError(Exception):
    """Base for every error the diagrams package raises on purpose."""

    default_code: str = "diagram_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        """Create the error.

        Args:
            message: A human-readable explanation.
            code: A machine-readable code; the class default when omitted.
        """
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code


class BpmnParseError(DiagramError):
    """The input is not a BPMN 2.0 document we can read.

    Codes:
        ``bpmn_unreadable``: the file cannot be opened or read.
        ``bpmn_malformed``: not well-formed XML, too large, or hostile (DTD, entities).
        ``bpmn_invalid``: well-formed XML but not a BPMN 2.0 ``definitions`` document.
        ``bpmn_no_process``: a BPMN document without any ``process``.
    """

    default_code = "bpmn_malformed"


class ProcessNotFound(DiagramError):
    """A process id was asked for that the model does not contain."""

    default_code = "process_not_found"


class InvalidSheet(DiagramError):
    """A poster input (power sheet or risk point) is missing or inconsistent."""

    default_code = "invalid_sheet"
