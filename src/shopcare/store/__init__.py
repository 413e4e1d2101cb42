"""The only place with SQL: what the rest may ask of a database, and its implementations."""
