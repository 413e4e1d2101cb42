#!/bin/sh
# Draft a first response for every case nobody has answered yet, one .eml per
# case, ready to open, check and send from a mail client. Usage:
#   sh draft-new-cases.sh [DIR]        (default DIR: ./drafts)
# After sending, record each one:  shopcare reply ID first_response --mark-sent > /dev/null
set -eu
out="${1:-drafts}"
shopcare case list --status new --format tsv \
    | tail -n +2 | cut -f1 \
    | shopcare reply - first_response --format eml --out "$out"
ls "$out"
