"""config.toml: the shop's name, signature, language, business calendar and mail server.

Checked by a small table of keys rather than pydantic: every command reads the
config, and pydantic's import alone would cost more than the rest of a
`shopcare followups` run.
"""

from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from shopcare.domain.malls import MALLS
from shopcare.errors import ShopcareError, breaks_line
from shopcare.patterns import LazyPattern

LANGUAGES = ("ja", "en")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = LazyPattern(r"^([01]\d|2[0-3]):([0-5]\d)$")
SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_TAG = "[#{id}]"
_ENV_NAME = LazyPattern(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SmtpSettings(NamedTuple):
    """The mail server replies leave through. The password is never here: password_env names
    the environment variable that holds it."""

    host: str
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    user: str | None = None
    password_env: str | None = None
    bcc_self: bool = False
    timeout: float = 30
    cafile: Path | None = None  # a CA certificate to trust besides the system's (a private CA)


class Config(NamedTuple):
    shop_name: str = ""
    shop_email: str = ""
    signature: str = ""
    shop_address: str = ""  # the shop's postal address: marketing mails must carry it
    shop_return_address: str = ""  # where returns go; empty: the shop's address
    language: str = "ja"
    timezone: str = "Asia/Tokyo"
    open: time = time(10, 0)
    close: time = time(18, 0)
    weekdays: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    holidays: str = "jp"
    closed: tuple[date, ...] = ()
    estimate_margin_days: int = 2
    smtp: SmtpSettings | None = None
    smtp_malls: Mapping[str, SmtpSettings] = MappingProxyType({})  # a mall's own relay
    case_tag: str = DEFAULT_TAG  # put in every subject sent; {id} is the case's number
    database_url: str | None = None  # [database] url: a PostgreSQL server (TEAM.md)
    operator: str | None = None  # [operator] name: who this laptop's user is, on every event
    source: Path | None = None

    @property
    def return_address(self) -> str:
        """Where customers send returns: [shop] return_address, else the shop's address."""
        return self.shop_return_address or self.shop_address

    def tz(self):
        from shopcare.clock import zone

        return zone(self.timezone)

    def smtp_for(self, mall: str | None) -> SmtpSettings:
        """The server a reply on a case of this mall leaves through: the mall's own relay if
        [smtp.mall.NAME] names one, else [smtp]."""
        if self.smtp is None:
            raise ShopcareError(
                f"no mail server is set: {self.source or 'config.toml'} has no [smtp]",
                'add [smtp] with host = "smtp.example.jp" (and user, password_env if it needs'
                " a login), then try shopcare mail check",
            )
        return self.smtp_malls.get(mall or "", self.smtp)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a text in quotes")
    return value


def _language(value: Any) -> str:
    if value not in LANGUAGES:
        raise TypeError("ja or en")
    return value


def _timezone(value: Any) -> str:
    from shopcare.clock import zone

    zone(_text(value))
    return value


def _hhmm(value: Any) -> time:
    match = _HHMM.match(value) if isinstance(value, str) else None
    if not match:
        raise TypeError('a time of day such as "10:00"')
    return time(int(match.group(1)), int(match.group(2)))


def _weekdays(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or any(v not in WEEKDAYS for v in value):
        raise TypeError("a list of " + ", ".join(WEEKDAYS))
    return tuple(value)


def _holidays(value: Any) -> str:
    if value not in ("jp", "none"):
        raise TypeError('"jp" or "none"')
    return value


def _dates(value: Any) -> tuple[date, ...]:
    if not isinstance(value, list):
        raise TypeError('a list of dates such as ["2026-12-31"]')
    days = []
    for item in value:
        if isinstance(item, date):
            days.append(item)
            continue
        try:
            days.append(date.fromisoformat(item))
        except (TypeError, ValueError):
            raise TypeError(f'a list of dates such as ["2026-12-31"], not {item!r}') from None
    return tuple(days)


def _margin(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 30:
        raise TypeError("a whole number of days from 0 to 30")
    return value


def _operator(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or breaks_line(value) or len(value) > 64:
        raise TypeError('a short name on one line, such as "sato"')
    return value.strip()


def _database_url(value: Any) -> str:
    from shopcare.store.location import parse_location

    parse_location(value, None, allow_password=False)  # one line if it is wrong
    return value.strip()


def _tag(value: Any) -> str:
    if not isinstance(value, str) or value.count("{id}") != 1:
        raise TypeError('a text holding {id} once, such as "[#{id}]"')
    if breaks_line(value) or len(value) > 40:
        raise TypeError("a short text on one line")
    return value


# section -> key -> (Config field, checker); [smtp] has tables inside it, and is read apart
SCHEMA: dict[str, dict[str, tuple[str, Any]]] = {
    "shop": {
        "name": ("shop_name", _text),
        "email": ("shop_email", _text),
        "signature": ("signature", _text),
        "language": ("language", _language),
        "address": ("shop_address", _text),
        "return_address": ("shop_return_address", _text),
    },
    "calendar": {
        "timezone": ("timezone", _timezone),
        "open": ("open", _hhmm),
        "close": ("close", _hhmm),
        "weekdays": ("weekdays", _weekdays),
        "holidays": ("holidays", _holidays),
        "closed": ("closed", _dates),
    },
    "replies": {
        "estimate_margin_days": ("estimate_margin_days", _margin),
    },
    "mail": {
        "tag": ("case_tag", _tag),
    },
    "database": {
        "url": ("database_url", _database_url),
    },
    "operator": {
        "name": ("operator", _operator),
    },
}


def _host(value: Any) -> str:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        raise TypeError('a host name such as "smtp.example.jp"')
    return value


def _port(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 65535:
        raise TypeError("a port number from 1 to 65535")
    return value


def _security(value: Any) -> str:
    if value not in SECURITIES:
        raise TypeError(" or ".join(f'"{s}"' for s in SECURITIES))
    return value


def _user(value: Any) -> str:
    if not isinstance(value, str) or not value or breaks_line(value):
        raise TypeError("a login name in quotes, on one line")
    return value


def _env_name(value: Any) -> str:
    if not isinstance(value, str) or not _ENV_NAME.match(value):
        raise TypeError('the name of an environment variable, such as "SHOPCARE_SMTP_PASSWORD"')
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("true or false")
    return value


def _timeout(value: Any) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 1 <= value <= 300:
        raise TypeError("a number of seconds from 1 to 300")
    return value


def _cafile(value: Any) -> Path:
    if not isinstance(value, str) or not value or breaks_line(value):
        raise TypeError("the path of a PEM file in quotes")
    return Path(value).expanduser()


SMTP_KEYS: dict[str, Any] = {
    "host": _host,
    "port": _port,
    "security": _security,
    "user": _user,
    "password_env": _env_name,
    "bcc_self": _flag,
    "timeout": _timeout,
    "cafile": _cafile,
}
MALL_SMTP_KEYS = {key: check for key, check in SMTP_KEYS.items() if key != "bcc_self"}


def _smtp_values(
    body: dict[str, Any], keys: dict[str, Any], prefix: str, where: str, folder: Path | None
) -> dict[str, Any]:
    """The checked keys of [smtp] or of one [smtp.mall.NAME]."""
    values: dict[str, Any] = {}
    for key, value in body.items():
        if key == "password":
            raise ShopcareError(
                f"{where}: {prefix}.password: the password is not kept in config.toml",
                "put it in an environment variable and give that variable's name instead:"
                ' password_env = "SHOPCARE_SMTP_PASSWORD"',
            )
        if key not in keys:
            raise ShopcareError(
                f"{where}: unknown key {prefix}.{key}",
                f"keys of [{prefix}]: " + ", ".join(keys),
            )
        try:
            values[key] = keys[key](value)
        except TypeError as exc:
            raise ShopcareError(f"{where}: {prefix}.{key} must be {exc}") from None
    if "cafile" in values and folder is not None and not values["cafile"].is_absolute():
        values["cafile"] = folder / values["cafile"]  # relative to config.toml, not the cwd
    return values


def _smtp(
    body: Any, where: str, folder: Path | None
) -> tuple[SmtpSettings, Mapping[str, SmtpSettings]]:
    """[smtp], and each [smtp.mall.NAME] completed from it."""
    if not isinstance(body, dict):
        raise ShopcareError(f"{where}: smtp must be a table [smtp]")
    body = dict(body)
    malls = body.pop("mall", {})
    values = _smtp_values(body, SMTP_KEYS, "smtp", where, folder)
    if "host" not in values:
        raise ShopcareError(
            f"{where}: smtp.host is missing",
            'the mail server replies leave through, e.g. host = "smtp.example.jp"',
        )
    values.setdefault("port", DEFAULT_PORTS[values.get("security", "starttls")])
    base = SmtpSettings(**values)
    _check_login(base, "smtp", where)
    if not isinstance(malls, dict):
        raise ShopcareError(f"{where}: smtp.mall must be tables such as [smtp.mall.rakuten]")
    relays = {}
    for mall, own in malls.items():
        prefix = f"smtp.mall.{mall}"
        if mall not in MALLS:
            raise ShopcareError(
                f"{where}: unknown mall in [{prefix}]", "malls: " + ", ".join(MALLS)
            )
        if not isinstance(own, dict):
            raise ShopcareError(f"{where}: {prefix} must be a table [{prefix}]")
        changes = _smtp_values(own, MALL_SMTP_KEYS, prefix, where, folder)
        if "port" not in changes and changes.get("security", base.security) != base.security:
            changes["port"] = DEFAULT_PORTS[changes["security"]]  # 465 follows ssl, not [smtp]
        relays[mall] = base._replace(**changes)
        _check_login(relays[mall], prefix, where)
    return base, MappingProxyType(relays)


def _check_login(settings: SmtpSettings, prefix: str, where: str) -> None:
    if settings.password_env and not settings.user:
        raise ShopcareError(
            f"{where}: {prefix}.password_env is set but no user logs in with it",
            f'add the login name to [{prefix}]: user = "support@example.jp"',
        )


def load_config(path: Path) -> Config:
    """The shop's config, read and checked on every load, or the defaults where the file does
    not exist yet. (A cache of the parsed file saved about 4 ms a command: not worth a second
    copy of the config that can go stale; ARCHITECTURE.md.)"""
    if not path.exists():
        return Config()
    return config_from_dict(_parse(path), path)


def _parse(path: Path) -> dict[str, Any]:
    """config.toml as checked, plain data (TOML dates as ISO text: the checks take both)."""
    import tomllib

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ShopcareError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ShopcareError(f"{path}: not UTF-8 text", "save config.toml as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ShopcareError(f"{path}: {exc}", "fix the TOML syntax at that line") from None
    config_from_dict(data, path)  # a broken config is reported, and never cached
    return _plain(data)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value


def config_from_dict(data: dict[str, Any], path: Path | None = None) -> Config:
    where = str(path) if path else "config"
    values: dict[str, Any] = {}
    for section, body in data.items():
        if section == "smtp":
            values["smtp"], values["smtp_malls"] = _smtp(body, where, path and path.parent)
            continue
        keys = SCHEMA.get(section)
        if keys is None:
            raise ShopcareError(
                f"{where}: unknown section [{section}]",
                "known sections: " + ", ".join(f"[{s}]" for s in (*SCHEMA, "smtp")),
            )
        if not isinstance(body, dict):
            raise ShopcareError(f"{where}: {section} must be a table [{section}]")
        for key, value in body.items():
            if key not in keys:
                raise ShopcareError(
                    f"{where}: unknown key {section}.{key}",
                    f"keys of [{section}]: " + ", ".join(keys),
                )
            name, check = keys[key]
            try:
                values[name] = check(value)
            except TypeError as exc:
                raise ShopcareError(f"{where}: {section}.{key} must be {exc}") from None
            except ShopcareError as exc:
                raise ShopcareError(f"{where}: {section}.{key}: {exc.message}", exc.hint) from None
    config = Config(**values, source=path)
    if config.open >= config.close:
        raise ShopcareError(f"{where}: calendar.open must come before calendar.close")
    return config


_CONFIG_TEMPLATE = """\
# shopcare: this shop's settings. Edit freely; `shopcare init` never overwrites
# what is here unless you pass it new values.

[shop]
{name}
{email}
{language}            # ja or en: the language replies are written in by default
# The shop's postal address: marketing mails (特定電子メール法) and return
# instructions print it. return_address, where returns go, defaults to it.
{address}
# The signature closing every reply.
{signature}

[calendar]
{timezone}
open = "10:00"                     # opening hours count for business-hour clocks
close = "18:00"
weekdays = ["mon", "tue", "wed", "thu", "fri"]
holidays = "jp"                    # Japanese public holidays; "none" to ignore them
closed = []                        # the shop's own closing days, e.g. ["2026-12-30", "2026-12-31"]

[replies]
estimate_margin_days = 2           # business days added to a maker's or carrier's date before it is quoted as 目安
"""


def default_signature(name: str, email: str) -> str:
    lines = ["――――――――――――――――――――", name or "(shop name)"]
    if email:
        lines.append(email)
    lines.append("――――――――――――――――――――")
    return "\n".join(lines)


def render_new_config(
    *,
    name: str,
    email: str,
    signature: str | None,
    language: str,
    timezone: str,
    address: str = "",
    return_address: str | None = None,
) -> str:
    """The text of a first config.toml, commented, values escaped by tomli_w."""
    import tomli_w

    def line(key: str, value: str) -> str:
        return tomli_w.dumps({key: value}, multiline_strings=True).rstrip("\n")

    text = _CONFIG_TEMPLATE.format(
        name=line("name", name),
        email=line("email", email),
        language=line("language", language),
        signature=line("signature", signature or default_signature(name, email)),
        timezone=line("timezone", timezone),
        address=line("address", address)
        + ("\n" + line("return_address", return_address) if return_address else ""),
    )
    import tomllib

    config_from_dict(tomllib.loads(text))  # what we write must read back
    return text


def updated_config(
    path: Path, changes: dict[tuple[str, str], Any]
) -> tuple[str, list[tuple[str, str]]]:
    """The existing config.toml with some keys changed (comments are not kept), and the keys
    changed (a generated signature follows a new name or e-mail address)."""
    import tomllib

    import tomli_w

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    shop = data.get("shop", {})
    renamed = ("shop", "name") in changes or ("shop", "email") in changes
    if renamed and ("shop", "signature") not in changes:
        # a signature shopcare generated follows the name and address it was made from
        generated = default_signature(shop.get("name", ""), shop.get("email", ""))
        if shop.get("signature", generated) == generated:
            changes = changes | {
                ("shop", "signature"): default_signature(
                    changes.get(("shop", "name"), shop.get("name", "")),
                    changes.get(("shop", "email"), shop.get("email", "")),
                )
            }
    for (section, key), value in changes.items():
        data.setdefault(section, {})[key] = value
    config_from_dict(data, path)
    return tomli_w.dumps(data, multiline_strings=True), list(changes)
