"""Run a command with a file as its standard input: stdin_runner.py FILE CMD ARGS..."""

import subprocess
import sys

with open(sys.argv[1], "rb") as stdin:
    sys.exit(subprocess.call(sys.argv[2:], stdin=stdin, stdout=subprocess.DEVNULL))
