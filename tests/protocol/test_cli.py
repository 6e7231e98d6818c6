"""The `nemo-widgets` command line: info contacts nothing, credits reads the balance."""

from __future__ import annotations

from nemo_widgets.cli import main
from tests.protocol import fault_server as fs
from tests.protocol.test_cloud_formats import heic


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


def test_make_on_an_anonymous_token_warns_first_then_says_how_to_get_a_token(
    monkeypatch, capsys, server, photos, tmp_path
):
    monkeypatch.setenv("NEMO_API_URL", server.url)
    draft = {"d": 3000, "t": [{"tt": 0, "sg": [{"st": 0, "d": 3000}]}]}
    server.script_turn(fs.update_draft(draft), fs.data(fs.adk_text("Made it.")))
    server.inject(
        "POST", "/api/render/proxy/lambda", status=402, body={"message": "export requires account"}
    )
    iphone = heic(tmp_path / "IMG_0003.HEIC")
    args = ["make", *map(str, photos), str(iphone), "-p", "a video", "-o", str(tmp_path), "-q"]
    assert main(args) == 3  # an account problem
    err = capsys.readouterr().err
    assert err.count("IMG_0003.HEIC is a HEIC photo") == 1  # told, even with --quiet
    sent = [f[:2] for r in server.requests_to("POST", "/api/upload-video") for f in r.files]
    assert sent[-1] == ("IMG_0003.jpg", "image/jpeg")
    notice, error = err.index("anonymous NemoVideo token"), err.index("error: Export was refused")
    assert notice < error, "the notice comes before the export"
    [user] = {s["user_id"] for s in server.sessions.values()}
    after = err[error:]
    for step in (f"/register?bind={user}", "Settings -> API Tokens", "NEMO_TOKEN"):
        assert step in after
    assert "Traceback" not in err
