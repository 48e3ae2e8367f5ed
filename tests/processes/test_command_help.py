"""`--help` of every catalog command prints its usage (a lazy translation once crashed argparse)."""

import pytest
from django.core.management import call_command


@pytest.mark.parametrize("command", ["export_catalog", "import_catalog", "load_catalog", "check_processes"])
def test_help_prints_usage(command, capsys):
    with pytest.raises(SystemExit) as stop:
        call_command(command, "--help")
    assert stop.value.code == 0
    assert f"usage:  {command}" in capsys.readouterr().out
