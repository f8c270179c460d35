import io

import pytest
from PIL import Image

from chalicelib.media.previews import UnreadableImage, previews_of


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def test_previews_fit_their_box_and_keep_the_aspect_ratio():
    previews = previews_of(jpeg(3000, 1500))

    assert [(p.size, p.width, p.height) for p in previews] == [
        (320, 320, 160), (1024, 1024, 512)]
    assert all(Image.open(io.BytesIO(p.jpeg)).format == "JPEG" for p in previews)


def test_a_small_image_is_not_enlarged():
    previews = previews_of(jpeg(200, 100))

    assert {(p.width, p.height) for p in previews} == {(200, 100)}


def test_a_png_with_transparency_becomes_a_jpeg_preview():
    out = io.BytesIO()
    Image.new("RGBA", (640, 640), (0, 0, 0, 0)).save(out, format="PNG")

    previews = previews_of(out.getvalue())

    assert previews[0].width == 320


def test_bytes_that_are_not_an_image_are_refused():
    with pytest.raises(UnreadableImage):
        previews_of(b"%PDF-1.7 not an image")
