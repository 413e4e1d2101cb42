"""The SQLite store: connection, migrations, queries."""
