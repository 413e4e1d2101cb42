"""Where the built-in templates, policies and examples are: inside the installed
package, or at the top of a source checkout (editable installs)."""

from __future__ import annotations

from pathlib import Path

from shopcare.errors import ShopcareError

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def resource_dir(name: str) -> Path:
    """The built-in folder called name (templates, policies or examples)."""
    for base in (_PACKAGE, _CHECKOUT):
        path = base / name
        if path.is_dir():
            return path
    raise ShopcareError(
        f"the built-in {name}/ folder is missing from this installation",
        "reinstall shopcare: pip install --force-reinstall shopcare",
    )
