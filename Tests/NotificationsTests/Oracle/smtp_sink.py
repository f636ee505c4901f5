#!/usr/bin/env python3
"""A real SMTP server for the tests (PyPI `aiosmtpd`): every message it accepts is written to
OUT_DIR as N.eml (the DATA as received) and N.json (envelope sender and recipients).

Usage: smtp_sink.py OUT_DIR [CERT_FILE KEY_FILE]
With a certificate it offers STARTTLS and refuses mail before it (like Mailtrap on 2525/587).
Prints "READY <port>" once it listens; stops when its standard input closes.
"""
import json
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, str(self.count))
        with open(base + ".eml.part", "wb") as out:
            out.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as out:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "tls": session.ssl is not None}, out)
        os.rename(base + ".eml.part", base + ".eml")
        return "250 OK"


def main():
    folder = sys.argv[1]
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    options = {}
    if len(sys.argv) > 3:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        options = {"tls_context": context, "require_starttls": True}
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port, **options)
    controller.start()
    print(f"READY {port}", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
