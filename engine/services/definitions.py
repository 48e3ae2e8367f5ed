"""Process definitions: store a version per content hash, and the parsed-spec cache."""

from __future__ import annotations

from collections.abc import Mapping

from engine import bpmn
from engine import exceptions as exc
from engine.bpmn import standard
from engine.models import ProcessDefinition

_PARSED: dict[int, bpmn.ParsedDefinition] = {}


def parsed_definition(definition: ProcessDefinition) -> bpmn.ParsedDefinition:
    """The parsed spec of a stored definition (cached per row; rows never change content)."""
    parsed = _PARSED.get(definition.pk)
    if parsed is None or parsed.sha256 != definition.sha256:
        parsed = bpmn.parse_definition(definition.sources, definition.process_id)
        _PARSED[definition.pk] = parsed
    return parsed


def check_definition(*, process_id: str, sources: Mapping[str, str]) -> list[standard.Finding]:
    """What `register_definition` would report for `sources`, storing nothing: standard BPMN
    normalised (engine/bpmn/standard.py), then parsed.

    Raises:
        DefinitionNotRunnable: an element cannot run (every such element is listed);
        DefinitionInvalid: the sources do not parse.
    """
    normalised = standard.normalise(sources, process_id)
    normalised.raise_for_errors()
    bpmn.parse_definition(normalised.sources, process_id)
    return normalised.findings


def register_definition(*, process_id: str, sources: Mapping[str, str], name: str = "") -> tuple[ProcessDefinition, bool]:
    """Store `sources` as the current version of `process_id` unless that content is already stored.

    Standard BPMN from other modelers is normalised first (ISO 8601 timer literals quoted, JUEL and
    FEEL conditions translated, external tasks made manual; see engine/bpmn/standard.py) and the
    normalised text is what is stored and hashed: the definition holds exactly what runs. Files
    with nothing to normalise are stored unchanged. Returns the definition and whether a new
    version was created. Cases keep the version they started on. Call inside the caller's
    transaction to make a batch atomic.

    Raises:
        DefinitionNotRunnable: an element cannot run (nothing is stored);
        DefinitionInvalid: the sources do not parse.
    """
    normalised = standard.normalise(sources, process_id)
    normalised.raise_for_errors()
    sources = normalised.sources
    parsed = bpmn.parse_definition(sources, process_id)
    existing = ProcessDefinition.objects.filter(process_id=process_id, sha256=parsed.sha256).first()
    if existing is not None:
        if not existing.is_current:
            ProcessDefinition.objects.filter(process_id=process_id, is_current=True).update(is_current=False)
            ProcessDefinition.objects.filter(pk=existing.pk).update(is_current=True)
            existing.is_current = True
        return existing, False
    last = ProcessDefinition.objects.filter(process_id=process_id).order_by("-version").first()
    ProcessDefinition.objects.filter(process_id=process_id, is_current=True).update(is_current=False)
    definition = ProcessDefinition.objects.create(
        process_id=process_id, version=(last.version + 1) if last else 1, name=name or parsed.spec.description or "",
        sources=dict(sources), sha256=parsed.sha256, spiff_version=bpmn.SPIFF_VERSION,
        serializer_version=bpmn.SERIALIZER_VERSION, is_current=True,
    )  # fmt: skip
    return definition, True


def current_definition(process_id: str) -> ProcessDefinition:
    """Raises: DefinitionNotFound."""
    definition = ProcessDefinition.objects.filter(process_id=process_id, is_current=True).first()
    if definition is None:
        raise exc.DefinitionNotFound(process_id=process_id)
    return definition


def clear_spec_caches() -> None:
    """Forget every parsed spec (as a new process would start without them)."""
    _PARSED.clear()
    bpmn.clear_spec_cache()
