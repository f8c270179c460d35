"""Previews of image creatives, made with Pillow: pure computation on bytes.

Only the uploads function imports this module (Pillow is in the imaging
layer, which the API function does not get).

Each preview fits a box (the long side at most the size), keeps the aspect
ratio and is a JPEG, light enough for fast listing.
"""

import io

from PIL import Image, ImageOps

from chalicelib.media.creatives import UnreadableImage
from chalicelib.media.creatives_ports import PreviewImage

PREVIEW_SIZES = (320, 1024)
JPEG_QUALITY = 82


def previews_of(
    image_bytes: bytes, sizes: tuple[int, ...] = PREVIEW_SIZES
) -> list[PreviewImage]:
    try:
        with Image.open(io.BytesIO(image_bytes)) as opened:
            # JPEG draft decoding reads a reduced image straight away, several
            # times faster for large photos with the same result at this size.
            opened.draft("RGB", (max(sizes), max(sizes)))
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UnreadableImage("The image cannot be read.") from exc
    return [_preview(image, size) for size in sizes]


def _preview(image: Image.Image, size: int) -> PreviewImage:
    copy = image.copy()
    copy.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return PreviewImage(size=size, jpeg=out.getvalue(), width=copy.width,
                   height=copy.height)
