"""Independent oracle: verify a Soko access token with PyJWT against the published JWKS.

Usage: verify_with_pyjwt.py JWKS_FILE TOKEN ISSUER AUDIENCE
Prints the verified claims as JSON; exits non-zero (with PyJWT's reason) when verification fails.
"""
import json
import sys

import jwt

jwks_path, token, issuer, audience = sys.argv[1:5]
with open(jwks_path) as f:
    jwks = json.load(f)
header = jwt.get_unverified_header(token)
key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
claims = jwt.decode(
    token,
    jwt.PyJWK(key).key,
    algorithms=["ES256"],
    issuer=issuer,
    audience=audience,
    options={"require": ["exp", "iat", "iss", "sub", "aud", "jti"]},
)
if header.get("typ") != "at+jwt":
    sys.exit(f"typ is {header.get('typ')!r}, expected 'at+jwt'")
print(json.dumps(claims, sort_keys=True))
