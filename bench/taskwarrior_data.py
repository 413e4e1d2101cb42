"""taskwarrior_data.py TSV FOLDER: a taskwarrior 2.x data folder holding one pending task per
follow-up in TSV (the output of `shopcare followups --format tsv`), with the same due time.
Prints the taskrc's path and the number of tasks."""

import shutil
import sys
import uuid
from datetime import datetime
from pathlib import Path

tsv, folder = Path(sys.argv[1]), Path(sys.argv[2])
data = folder / "data"
if folder.exists():
    shutil.rmtree(folder)
data.mkdir(parents=True)
count = 0
with (
    tsv.open(encoding="utf-8") as lines,
    (data / "pending.data").open("w", encoding="utf-8") as out,
):
    next(lines)  # the header
    for line in lines:
        cells = line.split("\t")
        due = int(datetime.fromisoformat(cells[0]).timestamp())
        out.write(
            f'[description:"follow-up {cells[3]}" due:"{due}" entry:"{due - 86400}"'
            f' status:"pending" uuid:"{uuid.uuid4()}"]\n'
        )
        count += 1
(data / "completed.data").write_text("", encoding="utf-8")
rc = folder / "taskrc"
rc.write_text(
    f"data.location={data}\nverbose=nothing\ncolor=off\ngc=off\nhooks=off\nconfirmation=off\n",
    encoding="utf-8",
)
print(rc, count)
