"""shopcare init and shopcare categories: setting a shop up and what it can file cases under."""

from typing import Annotated

import typer

from shopcare.cli.output import FormatOption, JsonOption, pick_format, print_rows, say
from shopcare.cli.params import empty_clears
from shopcare.cli.session import home_path, session
from shopcare.cli.views import CATEGORIES
from shopcare.errors import ShopcareError, breaks_line, check_choice


@empty_clears("signature", "address", "return_address")
def init(
    name: Annotated[
        str | None, typer.Option("--name", help="The shop's name, as customers know it.")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="The address replies come from.")
    ] = None,
    signature: Annotated[
        str | None,
        typer.Option("--signature", help="The signature block closing every reply ('' clears it)."),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="ja or en: the default language of replies.")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="The shop's time zone.")
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="The shop's postal address (marketing mails must carry it; '' clears it).",
        ),
    ] = None,
    return_address: Annotated[
        str | None,
        typer.Option(
            "--return-address", help="Where returns go, if not the shop's address ('' clears it)."
        ),
    ] = None,
) -> None:
    """Set up the shop's home: config.toml and the database. Safe to run twice.

    A second run keeps config.toml; options given then change just those keys
    (a signature shopcare generated follows a new --name or --email).
    Example: shopcare init --name "はなまる雑貨店" --email support@hanamaru.example --address "〒150-0001 東京都渋谷区神宮前1-2-3"
    """
    from shopcare.home import CONFIG_NAME, ensure_home, write_private
    from shopcare.settings import config as cfg

    if lang is not None:
        check_choice("language", lang, cfg.LANGUAGES)
    if timezone is not None:
        from shopcare.clock import zone

        zone(timezone)
    if email is not None:
        from shopcare.domain.customers import check_email

        email = check_email(email, "--email support@example.jp")
    if name is not None and breaks_line(name):
        raise ShopcareError(
            "--name holds a line break", "the shop's name goes into mail headers: give one line"
        )
    from shopcare.clock import now

    now()  # a SHOPCARE_NOW it cannot read is refused before anything is written
    home = ensure_home(home_path())
    path = home / CONFIG_NAME
    if path.exists():
        changes = {
            key: value
            for key, value in (
                (("shop", "name"), name),
                (("shop", "email"), email),
                (("shop", "signature"), signature),
                (("shop", "language"), lang),
                (("calendar", "timezone"), timezone),
                (("shop", "address"), address),
                (("shop", "return_address"), return_address),
            )
            if value is not None
        }
        cfg.load_config(path)  # a broken config is reported, not overwritten
        if not changes:
            say(f"{path} already exists; left as it is (edit it, or pass options to change keys)")
        else:
            text, changed = cfg.updated_config(path, changes)
            write_private(path, text)
            say(f"updated {', '.join('.'.join(k) for k in changed)} in {path}")
    else:
        text = cfg.render_new_config(
            name=name or "",
            email=email or "",
            signature=signature,
            language=lang or "ja",
            timezone=timezone or "Asia/Tokyo",
            address=address or "",
            return_address=return_address,
        )
        write_private(path, text)
        say(f"wrote {path}")
        if not name:
            say("hint: set the shop's name: shopcare init --name NAME")
    from shopcare.app import open_session

    with open_session(home, writes=True) as s:  # the shop's database, made or upgraded
        shown = s.location.shown
    say(f"home: {home}")
    if s.location.set_by != "the home":
        say(f"database: {shown} ({s.location.set_by})")


def categories(fmt: FormatOption = None, as_json: JsonOption = False) -> None:
    """List the case categories in force, with labels and the priority each implies.

    Example: shopcare categories --format tsv
    """
    output = pick_format(fmt, as_json)
    with session() as s:
        rows = (
            {
                "code": c.code,
                "label_ja": c.ja,
                "label_en": c.en,
                "default_priority": c.default_priority,
            }
            for c in s.categories
        )
        print_rows(rows, CATEGORIES, output, s.tz)
