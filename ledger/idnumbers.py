"""Resident ID numbers (居民身份证号码) of the people behind entities, kept protected.

An ID number is stored three ways, none of them readable without the key: encrypted (Fernet, from ``cryptography``:
AES-128-CBC with an HMAC, so a changed ciphertext is refused rather than read wrong), as a keyed hash (HMAC-SHA256)
that finds the same person under another entity and lets the database refuse a second person with the same number,
and masked as shown to everybody but the office (1201**********123X). The key is ``settings.ID_NUMBER_KEY``, or
SECRET_KEY when that is not set; the encryption key and the hash key are derived from it separately (HKDF).
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SHOWN_HEAD, SHOWN_TAIL = 4, 4


def _secret() -> bytes:
    return (settings.ID_NUMBER_KEY or settings.SECRET_KEY).encode()


@cache
def _derived(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"fundscreen id number " + purpose).derive(secret)


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derived(_secret(), b"encryption")))


def encrypt(number: str) -> str:
    return _fernet().encrypt(number.encode()).decode()


def decrypt(token: str) -> str:
    """The number, or "" when the token was made with another key (or changed)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def keyed_hash(number: str) -> str:
    return hmac.new(_derived(_secret(), b"matching"), number.encode(), hashlib.sha256).hexdigest()


def masked(number: str) -> str:
    """1201**********123X: the region's first four digits and the last four, nothing of the birth date."""
    if not number:
        return ""
    return number[:SHOWN_HEAD] + "*" * (len(number) - SHOWN_HEAD - SHOWN_TAIL) + number[-SHOWN_TAIL:]
