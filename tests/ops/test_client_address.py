"""The client address used by throttles and login limits: X-Forwarded-For counts only through the
configured number of trusted proxies, so a client cannot choose its own address."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from ops.client import client_address

SPOOFED = "6.6.6.6, 7.7.7.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.9"),
        (0, SPOOFED, "10.0.0.9"),  # no trusted proxy: the header is ignored
        (1, "203.0.113.5", "203.0.113.5"),  # the proxy appended the client it saw
        (1, SPOOFED + ", 203.0.113.5", "203.0.113.5"),  # forged entries to the left are never used
        (2, SPOOFED + ", 203.0.113.5, 10.1.1.1", "203.0.113.5"),
        (3, "203.0.113.5", "203.0.113.5"),  # fewer hops than proxies: the leftmost there is
    ],
)
def test_client_address(proxies, forwarded, expected):
    meta = {"REMOTE_ADDR": "10.0.0.9"}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(TRUSTED_PROXIES=proxies):
        assert client_address(RequestFactory().get("/", **meta)) == expected
