"""Bearer tokens of API clients: made from 256 random bits, kept only as a SHA-256.

A token reads ``trygg_<prefix>_<secret>``. The prefix is stored in clear to find the client's
row with one indexed lookup; the whole token's SHA-256 is compared in constant time. The
token has enough entropy that a fast hash is safe: there is nothing to guess a dictionary
from, so the slow, salted hashing that passwords need would only slow every request.
"""

import hashlib
import hmac
import secrets

TOKEN_START = "trygg_"  # noqa: S105 (the fixed start, no secret)
PREFIX_BYTES = 5  # 10 hex characters: finds the row, is no secret
SECRET_BYTES = 32


def token_make() -> tuple[str, str]:
    """A new token and its prefix."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    return f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}", prefix


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_prefix(token: str) -> str | None:
    """The prefix of a well-formed token, else None."""
    if not token.startswith(TOKEN_START):
        return None
    prefix, _, secret = token[len(TOKEN_START) :].partition("_")
    if len(prefix) != 2 * PREFIX_BYTES or not secret:
        return None
    return prefix


def token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)
