"""The Content-Disposition of a creative's download, safe for any file name.

RFC 6266 with the RFC 5987 extended parameter: `filename*=UTF-8''...` carries
the exact name percent-encoded (Cyrillic, spaces), and a plain ASCII
`filename="..."` stands in for clients that read only that.
"""

import unicodedata
from urllib.parse import quote

_CYRILLIC_LATIN = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n",
     "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "",
     "e", "yu", "ya"],
    strict=True,
))
# RFC 5987 attr-char: what may stand unencoded in an extended value.
_ATTR_CHARS = "!#$&+-.^_`|~"
_UNSAFE_IN_NAME = '\\/"\r\n\t'


def attachment(file_name: str) -> str:
    name = _cleaned(file_name) or "download"
    fallback = _ascii_fallback(name)
    encoded = quote(name, safe=_ATTR_CHARS)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def _cleaned(file_name: str) -> str:
    """The name without control or format characters (the bidirectional
    overrides that make `exe.jpg` read `gpj.exe`, zero-width marks) or path
    separators."""
    kept = (
        "_" if char in _UNSAFE_IN_NAME else char
        for char in file_name
        if unicodedata.category(char) not in {"Cc", "Cf"} or char in "\t"
    )
    return "".join(kept).strip()


def _ascii_fallback(name: str) -> str:
    """Cyrillic transliterated, accents dropped, anything else non-ASCII as
    `_`; the extension is kept."""
    decomposed = unicodedata.normalize("NFKD", "".join(map(_latin, name)))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch if " " <= ch <= "~" and ch not in _UNSAFE_IN_NAME else "_"
                   for ch in plain)


def _latin(char: str) -> str:
    latin = _CYRILLIC_LATIN.get(char.lower())
    if latin is None:
        return char
    return latin.capitalize() if char.isupper() else latin
