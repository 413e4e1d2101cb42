"""Mail coming in: a raw message read into plain values, ready to become a case's message."""
