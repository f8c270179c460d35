"""Fingerprints of report photos: exact and perceptual hashes, pure computation.

It takes bytes and returns a `Fingerprint`, or raises `UnreadablePhoto` with
a reason a dealer understands. It never fetches, stores or logs.

Every photo goes through one normalisation before it is hashed, so the same
picture hashes alike whatever file it came in: the EXIF orientation is
applied; palette, transparent, 16-bit, CMYK and other modes become one
8-bit greyscale form (transparent pixels on white); the image is reduced to
`WORKING_SIDE` pixels on its long side. JPEGs are decoded in draft mode
(libjpeg's DCT scaling) straight to that size, since a hash needs few pixels.
"""

import hashlib
import io
import re
import struct
import warnings
from datetime import datetime, timedelta

import imagehash
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from chalicelib.media.fingerprints import (
    HASH_VERSION,
    CaptureTime,
    Fingerprint,
    UnreadablePhoto,
    hamming,
)

__all__ = ["HASH_VERSION", "Fingerprint", "UnreadablePhoto", "fingerprint", "hamming"]

HASH_BITS = 64
WORKING_SIDE = 256
MAX_PIXELS = 50_000_000
"""Far below Pillow's decompression-bomb guard (about 179 million pixels),
and above the 48-megapixel mode of current phones. A file under it is
decoded whole: a 200 KB PNG of 7000x7000 peaks at 177 MB (grey), 365 MB
(RGB) and 598 MB (16-bit) here, of the function's 1536 MB.
# Limitation: a 7000x7000 RGBA PNG peaks at 785 MB, the copies of the
# alpha compositing on white (tests/integration/test_hostile_files.py)."""
ACCEPTED_FORMATS = ("jpeg", "png", "webp")
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
CROP_KEEP = 0.9
_FLAT_BLOCK = 64
_DECODING_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error,
                    IndexError, ZeroDivisionError)
"""What Pillow's decoders raise on damaged files (a message retried on them
would fail the same way each time, into the dead-letter queue)."""
_PHASH_SIDE = 32  # imagehash.phash: hash_size 8 times highfreq_factor 4

# The eight orientations of the dihedral group: as is, rotated by 90, 180 and
# 270 degrees, and the mirror image of each.
ORIENTATIONS: tuple[Image.Transpose | None, ...] = (
    None,
    Image.Transpose.ROTATE_90,
    Image.Transpose.ROTATE_180,
    Image.Transpose.ROTATE_270,
    Image.Transpose.FLIP_LEFT_RIGHT,
    Image.Transpose.TRANSPOSE,
    Image.Transpose.FLIP_TOP_BOTTOM,
    Image.Transpose.TRANSVERSE,
)


def sniff_format(head: bytes) -> str | None:
    """The real format of a file from its first bytes (its signature)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis",
                     b"mif1", b"msf1"}:
            return "heic"
        if brand in {b"avif", b"avis"}:
            return "avif"
        return "video"
    signatures = {
        b"GIF8": "gif", b"II*\x00": "tiff", b"MM\x00*": "tiff", b"%PDF": "pdf",
        b"BM": "bmp",
    }
    for signature, name in signatures.items():
        if head.startswith(signature):
            return name
    return None


def fingerprint(
    content: bytes, *, draft: bool = True, max_pixels: int = MAX_PIXELS
) -> Fingerprint:
    """Hash a photo's bytes; raise `UnreadablePhoto` for what cannot be one."""
    kind = sniff_format(content[:32])
    if kind is None:
        raise UnreadablePhoto("not_an_image")
    if kind == "heic":
        raise UnreadablePhoto("heic_not_supported")
    if kind not in ACCEPTED_FORMATS:
        raise UnreadablePhoto("unsupported_format", kind)
    image = _open(content, kind, max_pixels)
    width, height = image.size
    try:
        # A PNG's EXIF may sit after its pixels: reading it decodes them.
        taken = capture_time(image)
    except _DECODING_ERRORS as exc:
        raise UnreadablePhoto(_load_failure(exc)) from exc
    grey = normalised(image, draft=draft)
    return Fingerprint(
        **_hashes(grey),
        sha256=hashlib.sha256(content).hexdigest(),
        version=HASH_VERSION,
        uninformative=is_uninformative(grey),
        taken=taken,
        format=kind,
        width=width,
        height=height,
    )


def normalised(image: Image.Image, *, draft: bool = True) -> Image.Image:
    """The photo upright, in 8-bit greyscale, at most `WORKING_SIDE` pixels on
    its long side: the one form every hash is computed from."""
    if draft and image.format == "JPEG":
        image.draft("L", (WORKING_SIDE, WORKING_SIDE))
    try:
        image.load()
    except _DECODING_ERRORS as exc:
        raise UnreadablePhoto(_load_failure(exc)) from exc
    # In place: a copy of a 50-megapixel image would be another 150 MB.
    ImageOps.exif_transpose(image, in_place=True)
    grey = without_borders(to_greyscale(image))
    grey.thumbnail((WORKING_SIDE, WORKING_SIDE), Image.Resampling.LANCZOS)
    return grey


def to_greyscale(image: Image.Image) -> Image.Image:
    """One 8-bit greyscale form for every mode: transparency composited on
    white, 16- and 32-bit values scaled (not clipped) to 8 bits."""
    mode = image.mode
    if mode == "P":
        has_alpha = "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
        mode = image.mode
    if mode in {"RGBA", "LA", "PA", "RGBa", "La"}:
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, image.convert("RGBA")).convert("L")
    if mode.startswith("I") or mode == "F":
        return _scaled_to_8_bits(image)
    if mode != "L":
        rgb = image if mode == "RGB" else image.convert("RGB")
        return rgb.convert("L")
    return image


def without_borders(grey: Image.Image) -> Image.Image:
    """The photo without flat bars along its edges (a screenshot's status and
    button bars, letterboxing): rows and columns at an edge where nearly every
    pixel has the edge's colour. Never cuts more than a third of a side."""
    pixels = np.asarray(grey)
    height, width = pixels.shape
    top = _flat_run(pixels)
    bottom = _flat_run(pixels[::-1])
    left = _flat_run(pixels.T)
    right = _flat_run(pixels.T[::-1])
    if top + bottom > height // 3 or left + right > width // 3:
        return grey
    if top == bottom == left == right == 0:
        return grey
    return grey.crop((left, top, width - right, height - bottom))


def is_uninformative(grey: Image.Image) -> bool:
    """True for uniform, nearly blank or almost one-colour images: their
    perceptual hashes are noise, so they prove nothing and match anything."""
    pixels = np.asarray(grey, dtype=np.float64)
    if pixels.size == 0 or pixels.std() < 6.0:
        return True
    near_median = np.abs(pixels - np.median(pixels)) <= 10
    return bool(near_median.mean() >= 0.97)


def capture_time(image: Image.Image) -> CaptureTime | None:
    """EXIF DateTimeOriginal (or DateTime) with OffsetTimeOriginal when present."""
    exif = image.getexif()
    details = exif.get_ifd(0x8769)
    stamp = details.get(0x9003) or details.get(0x9004) or exif.get(0x0132)
    offset = details.get(0x9011) or details.get(0x9010)
    local = _exif_datetime(stamp)
    if local is None:
        return None
    return CaptureTime(local=local, utc_offset=_exif_offset(offset))


def _open(content: bytes, kind: str, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content), formats=[_PILLOW_FORMATS[kind]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UnreadablePhoto("too_many_pixels") from exc
    except (UnidentifiedImageError, *_DECODING_ERRORS) as exc:
        raise UnreadablePhoto("corrupt") from exc
    width, height = image.size
    if width * height > max_pixels:
        raise UnreadablePhoto("too_many_pixels", f"{width}x{height}")
    if width < 1 or height < 1:
        raise UnreadablePhoto("corrupt")
    return image


def _flat_run(pixels: np.ndarray) -> int:
    """How many leading rows have at least 90 % of pixels near the first
    row's median colour.

    Read in blocks of rows, stopping at the first row that is not flat: a
    whole 50-megapixel image in float64 at once would be 400 MB."""
    edge = np.median(pixels[0])
    for start in range(0, len(pixels), _FLAT_BLOCK):
        block = pixels[start:start + _FLAT_BLOCK].astype(np.int16)
        flat = (np.abs(block - edge) <= 16).mean(axis=1) >= 0.9
        if not flat.all():
            return start + int(np.argmin(flat))
    return len(pixels)


def _load_failure(exc: Exception) -> str:
    return "truncated" if "truncated" in str(exc).lower() else "corrupt"


def _hashes(grey: Image.Image) -> dict:
    small = grey.resize((_PHASH_SIDE, _PHASH_SIDE), Image.Resampling.LANCZOS)
    pairs = []
    for orientation in ORIENTATIONS:
        # Resampling to a square commutes with these transposes, so the
        # 32x32 image can be turned instead of the larger one; imagehash
        # leaves an image already 32x32 as it is.
        turned_small = small if orientation is None else small.transpose(orientation)
        turned = grey if orientation is None else grey.transpose(orientation)
        pairs.append((_int(imagehash.phash(turned_small)),
                      _int(imagehash.dhash(turned))))
    crops = tuple(_pair(grey.crop(box)) for box in _crop_boxes(grey.size))
    return {"phash": pairs[0][0], "dhash": pairs[0][1],
            "orientations": tuple(pairs), "crops": crops}


def _pair(image: Image.Image) -> tuple[int, int]:
    return _int(imagehash.phash(image)), _int(imagehash.dhash(image))


def _crop_boxes(size: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """The centre and the four corners, each keeping `CROP_KEEP` of a side."""
    width, height = size
    keep_x, keep_y = round(width * CROP_KEEP), round(height * CROP_KEEP)
    spare_x, spare_y = width - keep_x, height - keep_y
    corners = [(spare_x // 2, spare_y // 2), (0, 0), (spare_x, 0), (0, spare_y),
               (spare_x, spare_y)]
    return [(x, y, x + keep_x, y + keep_y) for x, y in corners]


def _int(value: imagehash.ImageHash) -> int:
    return int(str(value), 16)


def _scaled_to_8_bits(image: Image.Image) -> Image.Image:
    # In place, one float64 copy: temporaries of a 50-megapixel image
    # would be 400 MB each.
    pixels = np.array(image, dtype=np.float64)
    top = 65535.0 if pixels.max(initial=0) > 255 else 255.0
    if image.mode == "F":
        low, high = pixels.min(initial=0), pixels.max(initial=1)
        pixels -= low
        top = max(high - low, 1e-9)
    pixels *= 255.0 / top
    np.clip(pixels, 0, 255, out=pixels)
    np.round(pixels, out=pixels)
    return Image.fromarray(pixels.astype(np.uint8))


_EXIF_STAMP = re.compile(r"^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_EXIF_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


def _exif_datetime(raw: object) -> datetime | None:
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
    if not isinstance(text, str):
        return None
    found = _EXIF_STAMP.match(text.strip())
    if found is None:
        return None
    try:
        year, month, day, hour, minute, second = map(int, found.groups())
        return datetime(year, month, day, hour, minute, second)
    except ValueError:  # "0000:00:00 00:00:00" and other blanks
        return None


def _exif_offset(raw: object) -> timedelta | None:
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
    if not isinstance(text, str):
        return None
    found = _EXIF_OFFSET.match(text.strip().rstrip("\x00"))
    if found is None:
        return None
    sign, hours, minutes = found.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return -delta if sign == "-" else delta


