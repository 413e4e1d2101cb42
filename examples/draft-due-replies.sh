#!/bin/sh
# Draft a reply for every reply owed today, with the template the follow-up
# list names for it (first_response for a new case, status_update otherwise):
# one .eml per case in DIR, to check and send from a mail client.
#   sh draft-due-replies.sh [DIR]     (default DIR: ./drafts)
set -eu
out="${1:-drafts}"
tab=$(printf '\t')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the tsv's columns: due_at left kind id ref customer what template
shopcare followups --kind reply --format tsv | tail -n +2 | cut -f4,8 \
    | while IFS="$tab" read -r fid template; do
        echo "${fid#r}" >> "$work/$template"
    done
for ids in "$work"/*; do
    [ -e "$ids" ] || { echo "no replies due today" >&2; exit 0; }
    shopcare reply - "$(basename "$ids")" --format eml --out "$out" < "$ids"
done
