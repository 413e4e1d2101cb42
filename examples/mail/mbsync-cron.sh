#!/bin/sh
# mbsync (isync) mirrors the support mailbox into a Maildir; this script,
# run from cron, takes the new messages into shopcare and moves each one it
# took to the Maildir's cur/ so it is not taken twice. (Taking one twice
# changes nothing anyway: shopcare knows each message by its Message-ID.)
#
# crontab -e:
#   */5 * * * * SHOPCARE_HOME=/srv/shop $HOME/bin/mbsync-cron.sh
#
# ~/.mbsyncrc has a channel named "support" whose far side is the IMAP
# account and whose near side is ~/Mail/support (a Maildir).
set -eu
MAILDIR=${MAILDIR:-$HOME/Mail/support/INBOX}

mbsync -q support

status=0
for message in "$MAILDIR"/new/*; do
    [ -f "$message" ] || continue          # the glob matched nothing
    if shopcare mail in "$message" > /dev/null; then
        mv "$message" "$MAILDIR/cur/$(basename "$message"):2,S"
    else
        status=$?                          # 75: kept in mail/failed; the file stays in new/
    fi
done
exit $status
