"""Independent oracle for Stripe webhook signatures.

Usage:
  stripe_oracle.py verify PAYLOAD_FILE HEADER SECRET
      Verifies HEADER with the official stripe library (stripe.WebhookSignature.verify_header,
      tolerance=300). Prints "ok"; exits 1 with the library's reason when it refuses.
  stripe_oracle.py sign PAYLOAD_FILE SECRET TIMESTAMP
      Prints a Stripe-Signature header computed with Python's hmac (not the stripe library, so a
      header we accept is not judged by the code that made it).
"""
import hashlib
import hmac
import sys

mode = sys.argv[1]
with open(sys.argv[2], "rb") as f:
    payload = f.read()

if mode == "verify":
    import stripe

    header, secret = sys.argv[3], sys.argv[4]
    try:
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), header, secret, tolerance=300)
    except stripe.SignatureVerificationError as error:
        print(f"refused: {error}")
        sys.exit(1)
    print("ok")
elif mode == "sign":
    secret, timestamp = sys.argv[3], sys.argv[4]
    signed = timestamp.encode() + b"." + payload
    print(f"t={timestamp},v1={hmac.new(secret.encode('utf-8'), signed, hashlib.sha256).hexdigest()}")
else:
    sys.exit(f"unknown mode {mode!r}")
