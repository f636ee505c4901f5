"""A real SMTP server for the tests (aiosmtpd), with STARTTLS required.

Usage: smtp_sink.py CERT KEY OUTDIR
Prints the port it listens on (127.0.0.1) on one line once ready; writes each message it
receives to OUTDIR/<n>.eml, with the envelope in OUTDIR/<n>.env (MAIL FROM, then RCPT TOs).
Stops when its standard input closes.
"""
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller

cert, key, out = sys.argv[1:4]


class Sink:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        base = os.path.join(out, str(Sink.count))
        with open(base + ".env", "w") as f:
            f.write("\n".join([envelope.mail_from] + list(envelope.rcpt_tos)) + "\n")
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(Sink(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
controller.start()
print(port, flush=True)
sys.stdin.read()
controller.stop()
