#!/bin/sh
# Draft a reply for every reply owed today, with the template the follow-up
# list names for it (first_response for a new case, status_update otherwise,
# a review reply for a review): one .eml per case in DIR (a .txt for a review
# reply, which is posted on the mall), to check and send
# from a mail client. `shopcare reply` takes the follow-up ids (r12) as they are.
#   sh draft-due-replies.sh [DIR]     (default DIR: ./drafts)
set -eu
out="${1:-drafts}"
tab=$(printf '\t')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the tsv's columns: due_at left kind id ref customer what template
shopcare followups --kind reply --format tsv | tail -n +2 | cut -f4,8 \
    | while IFS="$tab" read -r fid template; do
        echo "$fid" >> "$work/$template"
    done
for ids in "$work"/*; do
    [ -e "$ids" ] || { echo "no replies due today" >&2; exit 0; }
    template=$(basename "$ids")
    case "$template" in
        review_reply_*) format=text ;;  # posted on the mall by hand, never mailed
        *) format=eml ;;
    esac
    shopcare reply - "$template" --format "$format" --out "$out" < "$ids"
done
