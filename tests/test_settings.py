import pytest

from bot.settings import Settings


def test_defaults_env_and_toml(tmp_path, monkeypatch):
    cfg = tmp_path / "newsbot.toml"
    cfg.write_text('top_k = 5\n[store]\npath = "/srv/news"\nurl = "http://127.0.0.1:9000"\n')
    s = Settings.load(cfg)
    assert s.top_k == 5 and str(s.store) == "/srv/news" and s.store_url == "http://127.0.0.1:9000"
    monkeypatch.setenv("NEWSBOT_TOP_K", "3")
    monkeypatch.setenv("NEWSBOT_STORE", str(tmp_path / "env"))
    s = Settings.load(cfg)
    assert s.top_k == 3 and s.store == tmp_path / "env"
    assert Settings.load(cfg, top_k=9).top_k == 9


def test_secrets_are_refused_in_config_files(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('openai_api_key = "sk-123"\n')
    with pytest.raises(ValueError, match="environment"):
        Settings.load(cfg)


def test_api_key_from_env_is_secret(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    s = Settings.load()
    assert s.openai_api_key is not None
    assert "sk-test-secret" not in repr(s) and "sk-test-secret" not in str(s.model_dump())


def test_every_key_in_the_example_config_is_a_setting():
    import tomllib

    from bot.settings import _flatten
    from tests.conftest import REPO

    data = tomllib.loads((REPO / "config" / "newsbot.example.toml").read_text())
    unknown = set(_flatten(data)) - set(Settings.model_fields)
    assert not unknown, f"example config keys that no setting reads: {sorted(unknown)}"
