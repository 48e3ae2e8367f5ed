"""Hostile or broken input never reaches lxml's error types: it raises BpmnParseError."""

from __future__ import annotations

from pathlib import Path

import pytest

from diagrams import BpmnParseError, parse_bpmn

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"

BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<definitions xmlns="{BPMN}" id="d"><process id="p" name="&lol9;"/></definitions>
"""


def external_entity(target: str) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE definitions [<!ENTITY xxe SYSTEM "{target}">]>
<definitions xmlns="{BPMN}" id="d"><process id="p" name="&xxe;"/></definitions>
"""


def test_billion_laughs() -> None:
    with pytest.raises(BpmnParseError) as excinfo:
        parse_bpmn(BILLION_LAUGHS.encode())
    assert excinfo.value.code == "bpmn_malformed"
    assert "DOCTYPE" in excinfo.value.message


@pytest.mark.parametrize("target", ["file:///etc/passwd", "http://127.0.0.1:9/evil.dtd"])
def test_external_entity(target: str, tmp_path: Path) -> None:
    with pytest.raises(BpmnParseError) as excinfo:
        parse_bpmn(external_entity(target).encode())
    assert excinfo.value.code == "bpmn_malformed"
    # The same document read from a file, and as text.
    path = tmp_path / "xxe.bpmn"
    path.write_text(external_entity(target), encoding="utf-8")
    with pytest.raises(BpmnParseError):
        parse_bpmn(path)
    with pytest.raises(BpmnParseError):
        parse_bpmn(external_entity(target))


def test_doctype_buried_after_a_long_comment() -> None:
    # The quick scan only looks at the head; the parsed document info still catches a DTD.
    padding = "<!--" + "x" * 10_000 + "-->"
    document = '<?xml version="1.0"?>' + padding + BILLION_LAUGHS.split("?>", 1)[1]
    with pytest.raises(BpmnParseError) as excinfo:
        parse_bpmn(document.encode())
    assert excinfo.value.code == "bpmn_malformed"


@pytest.mark.parametrize(
    "payload",
    [b"", b"not xml at all", b"<definitions", b"\x00\xff\xfe garbage", "<定义>未闭合".encode()],
    ids=["empty", "text", "truncated", "binary", "unclosed"],
)
def test_not_xml(payload: bytes) -> None:
    with pytest.raises(BpmnParseError) as excinfo:
        parse_bpmn(payload)
    assert excinfo.value.code == "bpmn_malformed"
    assert excinfo.value.message
    assert type(excinfo.value) is BpmnParseError  # not an lxml error type


def test_xml_without_process() -> None:
    document = f'<definitions xmlns="{BPMN}" id="d"><collaboration id="c"/></definitions>'
    with pytest.raises(BpmnParseError) as excinfo:
        parse_bpmn(document)
    assert excinfo.value.code == "bpmn_no_process"
    assert "process" in excinfo.value.message


def test_xml_that_is_not_bpmn() -> None:
    with pytest.raises(BpmnParseError) as excinfo:
        parse_bpmn(b'<?xml version="1.0"?><html><body>hello</body></html>')
    assert excinfo.value.code == "bpmn_invalid"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BpmnParseError) as excinfo:
        parse_bpmn(tmp_path / "absent.bpmn")
    assert excinfo.value.code == "bpmn_unreadable"


def test_too_large(tmp_path: Path) -> None:
    from diagrams import model

    big = b"<definitions>" + b" " * (model.MAX_BYTES + 1) + b"</definitions>"
    with pytest.raises(BpmnParseError) as excinfo:
        parse_bpmn(big)
    assert excinfo.value.code == "bpmn_malformed"
