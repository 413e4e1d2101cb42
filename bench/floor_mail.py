"""The floor for mail intake: parse every message of an mbox with Python's own mailbox and email
packages (headers and text decoded), and nothing else."""

import email
import email.policy
import mailbox
import sys

box = mailbox.mbox(sys.argv[1], create=False)
for key in box.iterkeys():
    message = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
    subject, sender = str(message["Subject"]), str(message["From"])
    body = message.get_body(("plain", "html"))
    text = body.get_content() if body is not None else ""
box.close()
