"""A shop's database as a whole: moved between databases (copy), and later backed up, exported
and purged (SAFETY.md)."""
