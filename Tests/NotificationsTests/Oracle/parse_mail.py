#!/usr/bin/env python3
"""Parse an RFC 5322 message with Python's own `email` package (an implementation we did not
write) and print what it understood as JSON, for the Swift tests to check.

Usage: parse_mail.py MESSAGE_FILE
"""
import email
import email.policy
import email.utils
import json
import sys


def mailboxes(header):
    if header is None:
        return []
    return [[a.display_name, a.addr_spec] for a in header.addresses]


def main():
    raw = open(sys.argv[1], "rb").read()
    lines = raw.split(b"\r\n")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    defects = [type(d).__name__ for d in message.defects]
    parts = []
    if message.is_multipart():
        for part in message.iter_parts():
            defects += [type(d).__name__ for d in part.defects]
            parts.append({
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transfer_encoding": part.get("Content-Transfer-Encoding"),
                "content": part.get_content(),
            })
    date = message["Date"]
    print(json.dumps({
        "from": mailboxes(message["From"]),
        "to": mailboxes(message["To"]),
        "subject": str(message["Subject"]),
        "date": email.utils.parsedate_to_datetime(str(date)).isoformat() if date else None,
        "message_id": str(message["Message-ID"]),
        "mime_version": str(message["MIME-Version"]),
        "content_type": message.get_content_type(),
        "header_names": list(message.keys()),
        "parts": parts,
        "defects": defects,
        # Every line ends in CRLF: no bare LF or CR anywhere.
        "crlf_only": b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b""),
        "longest_line": max(len(line) for line in lines),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
