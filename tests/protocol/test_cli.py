"""The `nemo-widgets` command line: info contacts nothing, credits reads the balance."""

from __future__ import annotations

from nemo_widgets.cli import main
from tests.protocol import fault_server as fs


def test_info_shows_the_settings_without_the_token(monkeypatch, capsys, server):
    monkeypatch.setenv("NEMO_API_URL", server.url)
    monkeypatch.setenv("NEMO_TOKEN", "nmv_usr_hidden42")
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert server.url in out and "from NEMO_TOKEN (hidden)" in out
    assert "hidden42" not in out
    assert server.requests == []


def test_credits(monkeypatch, capsys, server):
    monkeypatch.setenv("NEMO_API_URL", server.url)
    monkeypatch.setenv("NEMO_TOKEN", fs.TEST_TOKEN)
    assert main(["credits"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == f"credits: available 100, frozen 0, total 100 (server at {server.url})"


def test_a_refused_token_is_one_line_and_exit_3(monkeypatch, capsys, server):
    monkeypatch.setenv("NEMO_API_URL", server.url)
    monkeypatch.setenv("NEMO_TOKEN", "nmv_usr_wrong")
    assert main(["credits"]) == 3  # an account problem: fix the token
    err = capsys.readouterr().err
    assert err.startswith("error: The NemoVideo token was refused")
    assert "Traceback" not in err and "nmv_usr_wrong" not in err
