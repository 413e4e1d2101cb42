"""The floor for an import: plain csv + sqlite3 executemany of the same file, nothing else."""

import csv
import sqlite3
import sys

source, target = sys.argv[1], sys.argv[2]
with open(source, encoding="utf-8", newline="") as fh:
    reader = csv.reader(fh)
    header = next(reader)
    conn = sqlite3.connect(target)
    columns = ", ".join(f'"c{i}"' for i in range(len(header)))
    conn.execute(f"CREATE TABLE rows ({columns})")
    marks = ", ".join("?" for _ in header)
    with conn:
        conn.executemany(f"INSERT INTO rows VALUES ({marks})", reader)
    conn.close()
