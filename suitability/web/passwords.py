"""Staff passwords: hashed with argon2id (memory-hard, the winner of the Password Hashing
Competition) through argon2-cffi, at that library's default cost.

``hasher`` is the one place the cost is set: the tests put a cheaper one in its place, so that
they stay fast, while the program always runs with the default.
"""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["MAX_PASSWORD", "MIN_PASSWORD", "hash_password", "hasher", "needs_rehash", "verify"]

MIN_PASSWORD = 10
# Long enough for any passphrase, short enough that hashing one is never a way to load the server.
MAX_PASSWORD = 1024

hasher = PasswordHasher(type=Type.ID)

# A hash made with the hasher of the moment, for names that have no account: checking one of
# those costs the same as checking a real one, so the time taken tells nothing.
_decoy: tuple[PasswordHasher, str] | None = None


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; None (a name with no account) still costs one
    hash's work, then gives False."""
    global _decoy
    if stored is None:
        if _decoy is None or _decoy[0] is not hasher:
            _decoy = (hasher, hasher.hash("a password of no account"))
        with contextlib.suppress(VerificationError, InvalidHashError):
            hasher.verify(_decoy[1], password)
        return False
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with weaker parameters than the current ones (hash the
    password again after a successful login)."""
    try:
        return hasher.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True
