"""config.toml's [smtp], [smtp.mall.NAME] and [mail]: what a shop owner writes, read back as
settings, and every mistake refused with one error naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopcare.errors import ShopcareError
from shopcare.settings.config import Config, SmtpSettings, load_config

FULL = """\
[shop]
name = "はなまる雑貨店"
email = "support@hanamaru.example"

[smtp]
host = "smtp.example.jp"
port = 587
security = "starttls"
user = "support@hanamaru.example"
password_env = "SHOPCARE_SMTP_PASSWORD"
bcc_self = true
timeout = 30

[smtp.mall.rakuten]
host = "sub.fw.rakuten.ne.jp"

[mail]
tag = "【問合せ番号:{id}】"
"""


def write(home: Path, text: str) -> Path:
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(home: Path, text: str) -> ShopcareError:
    path = write(home, text)
    with pytest.raises(ShopcareError) as failed:
        load_config(path)
    assert failed.value.message.startswith(f"{path}: ")
    return failed.value


def test_the_settings_as_written(home):
    config = load_config(write(home, FULL))
    assert config.smtp == SmtpSettings(
        host="smtp.example.jp",
        port=587,
        security="starttls",
        user="support@hanamaru.example",
        password_env="SHOPCARE_SMTP_PASSWORD",
        bcc_self=True,
        timeout=30,
    )
    assert config.case_tag == "【問合せ番号:{id}】"
    rakuten = config.smtp_for("rakuten")
    assert rakuten == config.smtp._replace(host="sub.fw.rakuten.ne.jp")  # the rest inherited
    assert config.smtp_for("amazon") == config.smtp_for(None) == config.smtp
    assert list(config.smtp_malls) == ["rakuten"]


def test_the_defaults(home):
    config = load_config(write(home, '[smtp]\nhost = "localhost"\n'))
    assert config.smtp == SmtpSettings("localhost", 587, "starttls", None, None, False, 30)
    assert config.case_tag == "[#{id}]"
    assert load_config(write(home, '[smtp]\nhost = "h"\nsecurity = "ssl"\n')).smtp.port == 465
    assert load_config(write(home, '[smtp]\nhost = "h"\nsecurity = "none"\n')).smtp.port == 25
    assert Config().smtp is None and Config().case_tag == "[#{id}]"


def test_a_mall_relay_with_its_own_security_gets_that_security_s_port(home):
    text = (
        '[smtp]\nhost = "h"\n[smtp.mall.amazon]\nsecurity = "ssl"\n[smtp.mall.yahoo]\nport = 2525\n'
    )
    config = load_config(write(home, text))
    assert config.smtp_for("amazon")[1:3] == (465, "ssl")
    assert config.smtp_for("yahoo")[1:3] == (2525, "starttls")


def test_without_smtp_sending_says_how_to_set_it():
    with pytest.raises(ShopcareError) as failed:
        Config().smtp_for("rakuten")
    assert "no [smtp]" in failed.value.message and "host" in failed.value.hint


def test_a_password_in_the_file_is_refused_with_the_way_to_give_it(home):
    error = refusal(home, '[smtp]\nhost = "h"\nuser = "u"\npassword = "hunter2"\n')
    assert error.message.endswith("smtp.password: the password is not kept in config.toml")
    assert "hunter2" not in error.message
    assert "environment variable" in error.hint and "password_env = " in error.hint
    error = refusal(home, '[smtp]\nhost = "h"\n[smtp.mall.rakuten]\npassword = "x"\n')
    assert "smtp.mall.rakuten.password" in error.message


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('host = "h"\ncolour = "blue"', "unknown key smtp.colour"),
        ('host = "h"\nport = 0', "smtp.port must be a port number from 1 to 65535"),
        ('host = "h"\nport = 65536', "smtp.port must be a port number"),
        ('host = "h"\nport = "587"', "smtp.port must be a port number"),
        ('host = "h"\nsecurity = "tls"', 'smtp.security must be "starttls" or "ssl" or "none"'),
        ('host = "h"\nbcc_self = "yes"', "smtp.bcc_self must be true or false"),
        ('host = "h"\ntimeout = 0', "smtp.timeout must be a number of seconds from 1 to 300"),
        ('host = "h"\ntimeout = 301', "smtp.timeout must be a number of seconds"),
        ('host = "h"\ntimeout = true', "smtp.timeout must be a number of seconds"),
        ('host = ""', "smtp.host must be a host name"),
        ('host = "smtp example"', "smtp.host must be a host name"),
        ("host = 25", "smtp.host must be a host name"),
        ("port = 25", "smtp.host is missing"),
        ('host = "h"\nuser = ""', "smtp.user must be a login name"),
        ('host = "h"\nuser = "a\\nb"', "smtp.user must be a login name"),
        ('host = "h"\nuser = "u"\npassword_env = "MY PASSWORD"', "smtp.password_env must be"),
        ('host = "h"\npassword_env = "PW"', "smtp.password_env is set but no user"),
        ('host = "h"\ncafile = 1', "smtp.cafile must be the path of a PEM file"),
        ('host = "h"\nmall = "rakuten"', "smtp.mall must be tables"),
    ],
)
def test_a_wrong_smtp_key_is_one_clear_error(home, text, said):
    assert said in refusal(home, "[smtp]\n" + text + "\n").message


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[smtp.mall.mercari]\nhost = "x"', "unknown mall in [smtp.mall.mercari]"),
        ("[smtp.mall.rakuten]\nbcc_self = true", "unknown key smtp.mall.rakuten.bcc_self"),
        ("[smtp.mall.rakuten]\nport = 99999", "smtp.mall.rakuten.port must be a port number"),
        ('[smtp.mall.rakuten]\nsecurity = "plain"', "smtp.mall.rakuten.security must be"),
        ('[smtp.mall.rakuten]\npassword_env = "RAKUTEN_PW"', "smtp.mall.rakuten.password_env"),
    ],
)
def test_a_wrong_mall_relay_is_one_clear_error(home, text, said):
    assert said in refusal(home, '[smtp]\nhost = "h"\n' + text + "\n").message


def test_an_unknown_mall_lists_the_malls(home):
    error = refusal(home, '[smtp]\nhost = "h"\n[smtp.mall.mercari]\nhost = "x"\n')
    assert "rakuten" in error.hint and "amazon" in error.hint


@pytest.mark.parametrize(
    "tag", ['"[#]"', '"[#{id}{id}]"', '"{ID}"', "12", '"[#{id}]\\n"', '"' + "x" * 41 + '{id}"']
)
def test_a_case_tag_without_one_id_is_refused(home, tag):
    error = refusal(home, f"[mail]\ntag = {tag}\n")
    assert "mail.tag must be" in error.message


def test_an_unknown_mail_key_is_refused(home):
    assert "unknown key mail.tags" in refusal(home, '[mail]\ntags = "[#{id}]"\n').message


def test_a_relative_cafile_is_found_beside_the_config(home):
    config = load_config(write(home, '[smtp]\nhost = "h"\ncafile = "ca.pem"\n'))
    assert config.smtp.cafile == home / "ca.pem"


def test_a_broken_smtp_section_stops_a_command_with_one_error_line(cli, home):
    write(home, '[smtp]\nhost = "h"\nport = 0\n')
    stderr = cli.fails("case", "list")
    assert "smtp.port must be a port number from 1 to 65535" in stderr
