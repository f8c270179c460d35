"""Callers' personal data, made safe to store (the design: personal data).

A number is kept as a keyed hash (HMAC-SHA256 with the deployment's secret
key: a plain hash of a phone number is reversed by trying every number) and
a mask that shows only the last two digits. Names and e-mails are not kept:
no feature needs them.
"""

import hashlib
import hmac
import re

from chalicelib.integrations.model import Contact

_NOT_DIGITS = re.compile(r"\D")


def digits_of(number: str) -> str:
    """A Russian number in one form: 11 digits starting with 7."""
    digits = _NOT_DIGITS.sub("", number)
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    if len(digits) == 10:
        digits = "7" + digits
    return digits


def contact_of(number: str, key: bytes) -> Contact | None:
    digits = digits_of(number)
    if not digits:
        return None
    digest = hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()
    return Contact(number_hash=digest, number_masked=mask(digits))


def mask(digits: str) -> str:
    if len(digits) <= 4:
        return "*" * len(digits)
    return f"+{digits[0]}{'*' * (len(digits) - 3)}{digits[-2:]}"
