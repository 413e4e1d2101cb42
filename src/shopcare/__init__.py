"""shopcare: a helpdesk in the terminal for small online shops."""

__version__ = "0.1.0"
