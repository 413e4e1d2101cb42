#!/bin/sh
# Mail the owner what is due today and what is already late. For cron (see crontab).
#   sh morning-mail.sh ADDRESS
# Needs a working `mail` command (mailutils or bsd-mailx) and `shopcare` on PATH (the
# virtual environment's bin folder). Sends nothing on a day the shop is closed (its own
# calendar says so), nothing when nothing is due; says OVERDUE in the subject when
# anything is late.
set -u
to="${1:?usage: morning-mail.sh ADDRESS}"
: "${LANG:=C.UTF-8}"  # cron's bare environment: Japanese text needs a UTF-8 locale
export LANG
if ! closed=$(shopcare calendar --business-today 2>&1); then
    [ -z "$closed" ] && exit 0  # a closed day: no mail
    echo "$closed" >&2  # an error, not a closed day
    exit 1
fi
list=$(mktemp)
trap 'rm -f "$list"' EXIT
shopcare followups --check --format tsv > "$list"
status=$?
case $status in
    0) subject="shopcare: today's follow-ups" ;;
    3) subject="shopcare: OVERDUE follow-ups" ;;
    *) echo "shopcare followups failed (exit $status)" >&2; exit "$status" ;;
esac
if [ "$(wc -l < "$list")" -le 1 ]; then
    exit 0  # just the header: nothing due
fi
column -t -s "$(printf '\t')" < "$list" | mail -s "$subject" "$to"
