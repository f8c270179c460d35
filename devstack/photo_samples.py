"""Real sample photos and the transformed copies a dishonest report might use.

The photos are public-domain pictures that scikit-image ships, kept small in
`tests/fixtures/photos/` (see ATTRIBUTION.md there). The tests and the
benchmark (`make bench`) make every transformed copy here, in memory.
"""

import io
import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

PHOTOS_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "photos"

Transformation = Callable[[Image.Image], bytes]


def sample_names() -> list[str]:
    return sorted(path.stem for path in PHOTOS_DIR.glob("*.jpg"))


def sample_bytes(name: str) -> bytes:
    return (PHOTOS_DIR / f"{name}.jpg").read_bytes()


def sample_image(name: str) -> Image.Image:
    image = Image.open(io.BytesIO(sample_bytes(name)))
    image.load()
    return image.convert("RGB")


def jpeg(image: Image.Image, quality: int = 92) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def reencoded(quality: int) -> Transformation:
    return lambda image: jpeg(image, quality)


def resized(percent: int) -> Transformation:
    def apply(image: Image.Image) -> bytes:
        width, height = image.size
        size = (max(1, width * percent // 100), max(1, height * percent // 100))
        return jpeg(image.resize(size, Image.Resampling.LANCZOS))

    return apply


def cropped(percent: int, where: str) -> Transformation:
    """Cut `percent` of the width and of the height: evenly from every side
    (`centre`) or all of it from the right and bottom (`corner`)."""

    def apply(image: Image.Image) -> bytes:
        width, height = image.size
        cut_x, cut_y = width * percent // 100, height * percent // 100
        left, top = (cut_x // 2, cut_y // 2) if where == "centre" else (0, 0)
        box = (left, top, left + width - cut_x, top + height - cut_y)
        return jpeg(image.crop(box))

    return apply


def turned(transpose: Image.Transpose) -> Transformation:
    return lambda image: jpeg(image.transpose(transpose))


def enhanced(kind: str, factor: float) -> Transformation:
    enhancers = {"brightness": ImageEnhance.Brightness,
                 "contrast": ImageEnhance.Contrast}

    def apply(image: Image.Image) -> bytes:
        return jpeg(enhancers[kind](image).enhance(factor))

    return apply


def date_stamped(image: Image.Image) -> bytes:
    """An orange camera date stamp in the lower right corner."""
    stamped = image.copy()
    draw = ImageDraw.Draw(stamped)
    width, height = stamped.size
    size = max(10, height // 18)
    text = "2025-06-14 12:03"
    box = draw.textbbox((0, 0), text, font_size=size)
    spot = (width - (box[2] - box[0]) - size, height - (box[3] - box[1]) - size)
    draw.text(spot, text, fill=(255, 140, 0), font_size=size)
    return jpeg(stamped)


def screenshot(image: Image.Image) -> bytes:
    """The photo as a phone's gallery shows it: a status bar above, the
    app's buttons below, both dark."""
    width, height = image.size
    top, bottom = height * 7 // 100, height * 10 // 100
    canvas = Image.new("RGB", (width, height + top + bottom), (18, 18, 18))
    canvas.paste(image, (0, top))
    draw = ImageDraw.Draw(canvas)
    draw.text((width // 20, top // 4), "12:03", fill=(240, 240, 240),
              font_size=max(8, top // 2))
    draw.ellipse((width // 2 - bottom // 4, height + top + bottom // 4,
                  width // 2 + bottom // 4, height + top + 3 * bottom // 4),
                 outline=(240, 240, 240), width=2)
    return jpeg(canvas)


def transformations() -> dict[str, dict[str, Transformation]]:
    """Kind of transformation → named variants of it."""
    return {
        "exact_copy": {"same_bytes": lambda image: b""},  # replaced by the original
        "jpeg_reencode": {f"q{q}": reencoded(q) for q in (50, 65, 80, 95)},
        "resize": {f"{p}pct": resized(p) for p in (25, 50, 75, 150, 200)},
        "crop_5pct": {w: cropped(5, w) for w in ("centre", "corner")},
        "crop_10pct": {w: cropped(10, w) for w in ("centre", "corner")},
        "rotation": {
            "90": turned(Image.Transpose.ROTATE_90),
            "180": turned(Image.Transpose.ROTATE_180),
            "270": turned(Image.Transpose.ROTATE_270),
        },
        "mirror": {"horizontal": turned(Image.Transpose.FLIP_LEFT_RIGHT)},
        "brightness_contrast": {
            "brighter": enhanced("brightness", 1.3),
            "darker": enhanced("brightness", 0.7),
            "more_contrast": enhanced("contrast", 1.4),
            "less_contrast": enhanced("contrast", 0.6),
        },
        "date_stamp": {"corner": date_stamped},
        "screenshot_border": {"phone": screenshot},
    }


def camera_sized(name: str, seed: int = 7) -> bytes:
    """A 12-megapixel (4000x3000) JPEG made from a bundled photo: upscaled,
    with fine grain so it decodes like a camera photo, not a smooth blow-up.
    Packages ship no photo that large."""
    image = sample_image(name)
    big = ImageOps.fit(image, (4000, 3000), Image.Resampling.BICUBIC)
    pixels = np.asarray(big, dtype=np.int16)
    grain = np.random.default_rng(seed).normal(0, 6, pixels.shape).astype(np.int16)
    noisy = np.clip(pixels + grain, 0, 255).astype(np.uint8)
    return jpeg(Image.fromarray(noisy), quality=90)


def shuffled(names: list[str], seed: int) -> list[str]:
    copy = list(names)
    random.Random(seed).shuffle(copy)
    return copy
