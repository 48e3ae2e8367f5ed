"""The case-status overlay: which steps of a case are done, current or pending, and its path.

:func:`diagrams.graph.to_digraph` asks a :class:`CaseOverlay` for the style of each node and
each sequence flow. Completed nodes are filled green, current nodes orange with a bold border,
pending nodes grey; sequence flows the case actually took are drawn thick and green.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

COMPLETED_FILL: Final = "#C8E6C9"
COMPLETED_LINE: Final = "#2E7D32"
CURRENT_FILL: Final = "#FFB74D"
CURRENT_LINE: Final = "#E65100"
PENDING_FILL: Final = "#EEEEEE"
PENDING_LINE: Final = "#9E9E9E"
PENDING_TEXT: Final = "#757575"
PATH_LINE: Final = "#2E7D32"

LEGEND: Final = (
    ("已完成", COMPLETED_FILL, COMPLETED_LINE),
    ("当前环节", CURRENT_FILL, CURRENT_LINE),
    ("待办", PENDING_FILL, PENDING_LINE),
)


@dataclass(frozen=True, slots=True)
class CaseOverlay:
    """The state of one case drawn over its process.

    Ids are BPMN ids as drawn: nodes of an expanded call activity are ``"<call id>/<node id>"``.

    Attributes:
        completed: Ids of flow nodes the case has finished.
        current: Ids of flow nodes waiting now (ready or waiting on a timer/message).
        pending: Ids of flow nodes not reached yet, drawn greyed out.
        path: Flow node ids in the order the case passed them; each consecutive pair joined
            by a sequence flow marks that flow as executed.
        executed_flows: Sequence flow ids known to be executed, in addition to ``path``.
    """

    completed: frozenset[str] = frozenset()
    current: frozenset[str] = frozenset()
    pending: frozenset[str] = frozenset()
    path: tuple[str, ...] = ()
    executed_flows: frozenset[str] = frozenset()
    _pairs: frozenset[tuple[str, str]] = field(init=False, repr=False, compare=False, default=frozenset())

    def __post_init__(self) -> None:
        for name in ("completed", "current", "pending", "executed_flows"):
            value = getattr(self, name)
            if not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(value))
        if not isinstance(self.path, tuple):
            object.__setattr__(self, "path", tuple(self.path))
        pairs = frozenset(zip(self.path, self.path[1:], strict=False))
        object.__setattr__(self, "_pairs", pairs)

    @classmethod
    def build(
        cls,
        *,
        completed: Iterable[str] = (),
        current: Iterable[str] = (),
        pending: Iterable[str] = (),
        path: Sequence[str] = (),
        executed_flows: Iterable[str] = (),
    ) -> CaseOverlay:
        """Build an overlay from any iterables of ids."""
        return cls(
            completed=frozenset(completed),
            current=frozenset(current),
            pending=frozenset(pending),
            path=tuple(path),
            executed_flows=frozenset(executed_flows),
        )

    def state(self, node_id: str) -> str | None:
        """``"current"``, ``"completed"``, ``"pending"`` or ``None`` (current wins over completed)."""
        if node_id in self.current:
            return "current"
        if node_id in self.completed:
            return "completed"
        if node_id in self.pending:
            return "pending"
        return None

    def node_style(self, node_id: str) -> dict[str, str]:
        """Graphviz attributes that override a node's default style; empty when unlisted."""
        state = self.state(node_id)
        if state == "current":
            return {"fillcolor": CURRENT_FILL, "color": CURRENT_LINE, "penwidth": "3.5"}
        if state == "completed":
            return {"fillcolor": COMPLETED_FILL, "color": COMPLETED_LINE, "penwidth": "2"}
        if state == "pending":
            return {"fillcolor": PENDING_FILL, "color": PENDING_LINE, "fontcolor": PENDING_TEXT}
        return {}

    def cluster_style(self, node_id: str) -> dict[str, str]:
        """Attributes for a subprocess drawn as a cluster (border only, no fill)."""
        state = self.state(node_id)
        if state == "current":
            return {"color": CURRENT_LINE, "penwidth": "3.5"}
        if state == "completed":
            return {"color": COMPLETED_LINE, "penwidth": "2.5"}
        if state == "pending":
            return {"color": PENDING_LINE, "fontcolor": PENDING_TEXT}
        return {}

    def is_executed(self, flow_id: str, source: str, target: str) -> bool:
        """True when the case went along this sequence flow."""
        return flow_id in self.executed_flows or (source, target) in self._pairs

    def edge_style(self, flow_id: str, source: str, target: str) -> dict[str, str]:
        """Graphviz attributes for an executed sequence flow; empty otherwise."""
        if self.is_executed(flow_id, source, target):
            return {"color": PATH_LINE, "penwidth": "3.5", "fontcolor": PATH_LINE}
        return {}
