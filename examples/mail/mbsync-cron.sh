#!/bin/sh
# mbsync (isync) mirrors the support mailbox into a Maildir; this script, run
# from cron, hands the whole Maildir to shopcare. Every message is looked at,
# new/ and cur/ alike: mbsync puts a message already read elsewhere (on a
# phone) straight into cur/, and it is still a customer's mail. One already
# taken is skipped by its Message-ID, so running this every five minutes
# changes nothing twice.
#
# crontab -e:
#   */5 * * * * SHOPCARE_HOME=/srv/shop $HOME/bin/mbsync-cron.sh
#
# ~/.mbsyncrc has a channel named "support" whose far side is the IMAP
# account and whose near side is ~/Mail/support (a Maildir).
#
# Exit 75: a message could not be stored (it is kept in HOME/mail/failed/
# for `shopcare mail failed --retry`) or a file could not be read (it stays
# in the Maildir and is tried on the next run).
set -eu
MAILDIR=${MAILDIR:-$HOME/Mail/support/INBOX}

mbsync -q support
exec shopcare mail in "$MAILDIR" > /dev/null
