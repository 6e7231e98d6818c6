"""Secrets stay hidden; the client id and token cache behave across processes; settings resolve."""

from __future__ import annotations

import os
import threading

from nemo_widgets import backend
from nemo_widgets.api.auth import (
    AnonymousToken,
    Secret,
    TokenCache,
    load_or_create_client_id,
    redact,
)
from nemo_widgets.config import CLOUD_API_URL, LOCAL, Settings


def test_secret_never_shows_itself():
    secret = Secret("nmv_usr_abc123")
    assert "abc123" not in repr(secret)
    assert "abc123" not in str(secret)
    assert "abc123" not in f"{secret} {secret!r} {[secret]}"
    assert secret.reveal() == "nmv_usr_abc123"
    assert secret == Secret("nmv_usr_abc123") and secret != Secret("other")


def test_redact_removes_given_secrets_and_anything_token_shaped():
    text = "refused nmv_usr_abc123 and nmv_usr_other-9 and plain-secret"
    clean = redact(text, Secret("plain-secret"), None, "")
    assert "abc123" not in clean and "other-9" not in clean and "plain-secret" not in clean


def test_client_id_is_created_once_and_private(tmp_path):
    first = load_or_create_client_id(tmp_path / "cfg")
    assert load_or_create_client_id(tmp_path / "cfg") == first
    path = tmp_path / "cfg" / "client_id"
    assert path.read_text().strip() == first
    assert path.stat().st_mode & 0o777 == 0o600


def test_concurrent_first_use_agrees_on_one_client_id(tmp_path):
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(load_or_create_client_id(tmp_path)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1


def test_client_id_without_a_writable_home_still_works(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert load_or_create_client_id(blocker / "cfg")  # cannot create a folder under a file


def test_token_cache_per_server(tmp_path):
    cache = TokenCache(tmp_path)
    cache.put("https://a", AnonymousToken(Secret("nmv_usr_a"), "anon_a", "2026-12-01"))
    cache.put("https://b", AnonymousToken(Secret("nmv_usr_b")))
    assert cache.get("https://a") == AnonymousToken(Secret("nmv_usr_a"), "anon_a", "2026-12-01")
    cache.forget("https://a")
    assert cache.get("https://a") is None
    assert cache.get("https://b").token.reveal() == "nmv_usr_b"
    assert os.stat(cache.path).st_mode & 0o777 == 0o600


def test_token_cache_survives_a_corrupt_file(tmp_path):
    (tmp_path / "nemo_widgets_tokens.json").write_text("{broken")
    cache = TokenCache(tmp_path)
    assert cache.get("https://a") is None
    cache.put("https://a", AnonymousToken(Secret("nmv_usr_a")))
    assert cache.get("https://a").token.reveal() == "nmv_usr_a"


def test_backend_rule(monkeypatch):
    """No URL and no token: the local engine. A token alone: the cloud. A URL: that server."""
    assert Settings.resolve().base_url == LOCAL
    assert Settings.resolve().backend.startswith("local engine")
    assert Settings.resolve(token="nmv_usr_t").base_url == CLOUD_API_URL
    assert Settings.resolve(token="nmv_usr_t").backend.startswith("NemoVideo cloud")
    assert Settings.resolve(base_url="local", token="nmv_usr_t").base_url == LOCAL
    monkeypatch.setenv("NEMO_TOKEN", "nmv_usr_env")
    assert Settings.resolve().base_url == CLOUD_API_URL
    monkeypatch.setenv("NEMO_API_URL", "http://other:9")
    assert Settings.resolve().backend == "server at http://other:9"
    # Settings that name a server are not touched by starting the backend.
    settings = Settings.resolve()
    assert backend.running(settings) is settings


def test_settings_precedence(monkeypatch, tmp_path):
    assert Settings.resolve().token is None
    monkeypatch.setenv("NEMO_API_URL", "http://env:1/")
    monkeypatch.setenv("NEMO_TOKEN", "nmv_usr_env")
    monkeypatch.setenv("NEMO_SKILL_PLATFORM", "colab")
    settings = Settings.resolve()
    assert settings.base_url == "http://env:1"
    assert settings.token == Secret("nmv_usr_env")
    assert settings.skill_platform == "colab"
    explicit = Settings.resolve(base_url="http://arg:2", token="nmv_usr_arg", config_dir=tmp_path)
    assert (explicit.base_url, explicit.token, explicit.config_dir) == (
        "http://arg:2",
        Secret("nmv_usr_arg"),
        tmp_path,
    )
    assert "nmv_usr_arg" not in repr(explicit)
    assert explicit.attribution_headers["X-Skill-Source"] == "nemo-widgets"
