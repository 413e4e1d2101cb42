"""The rules, as plain Python over plain values: no SQL, no files."""
