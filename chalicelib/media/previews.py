"""Previews of image creatives, made with Pillow: pure computation on bytes.

Only the uploads function imports this module (Pillow is in the imaging
layer, which the API function does not get).

Each preview fits a box (the long side at most the size), keeps the aspect
ratio and is a JPEG, light enough for fast listing.

Only JPEG, PNG, WebP and GIF are opened (the creative image types; never
Pillow's other plugins, EPS among them, which would start Ghostscript), and
only up to `MAX_PIXELS`: a small file may declare a huge picture.
"""

import io
import struct
import warnings

from PIL import Image, ImageOps

from chalicelib.media.creatives import UnreadableImage
from chalicelib.media.creatives_ports import PreviewImage

PREVIEW_SIZES = (320, 1024)
JPEG_QUALITY = 82
MAX_PIXELS = 50_000_000
"""As for report photos: a 7000x7000 RGBA PNG decodes to 200 MB."""
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


def previews_of(
    image_bytes: bytes, sizes: tuple[int, ...] = PREVIEW_SIZES
) -> list[PreviewImage]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(image_bytes), formats=FORMATS) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise UnreadableImage("The image has too many pixels.")
                # JPEG draft decoding reads a reduced image straight away,
                # several times faster for large photos, alike at this size.
                opened.draft("RGB", (max(sizes), max(sizes)))
                ImageOps.exif_transpose(opened, in_place=True)
                image = opened.convert("RGB")
    except (OSError, ValueError, SyntaxError, EOFError, struct.error,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UnreadableImage("The image cannot be read.") from exc
    return [_preview(image, size) for size in sizes]


def _preview(image: Image.Image, size: int) -> PreviewImage:
    copy = image.copy()
    copy.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return PreviewImage(size=size, jpeg=out.getvalue(), width=copy.width,
                   height=copy.height)
