import io
from datetime import timedelta

import numpy as np
import pytest
from PIL import Image

from chalicelib.media import hashing
from chalicelib.media.hashing import UnreadablePhoto, fingerprint, hamming
from devstack.photo_samples import jpeg, png, sample_bytes, sample_image


def close(first, second, bits=4):
    return (hamming(first.phash, second.phash) <= bits
            and hamming(first.dhash, second.dhash) <= bits)


def test_every_hash_carries_its_algorithm_and_library_versions():
    found = fingerprint(sample_bytes("chelsea"))

    assert found.version.startswith("imagehash-4.3.2+pillow-13.0.0+")
    assert 0 <= found.phash < 2**64 and 0 <= found.dhash < 2**64
    assert len(found.orientations) == 8 and len(found.crops) == 5
    assert len(found.sha256) == 64


def test_exif_orientation_is_applied_before_hashing():
    upright = sample_image("coffee")
    stored_sideways = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # a viewer turns it 90 degrees clockwise to show it
    out = io.BytesIO()
    stored_sideways.save(out, "JPEG", quality=92, exif=exif)

    turned_back = fingerprint(out.getvalue())
    plain = fingerprint(jpeg(upright))

    assert close(turned_back, plain)


def test_palette_transparent_sixteen_bit_and_cmyk_images_hash_like_the_photo():
    photo = sample_image("astronaut")
    plain = fingerprint(png(photo))
    palette = photo.convert("P", palette=Image.Palette.ADAPTIVE, colors=256)
    transparent = photo.convert("RGBA")
    grey16 = Image.fromarray(
        np.asarray(photo.convert("L"), dtype=np.uint16) * 257
    )
    cmyk = io.BytesIO()
    photo.convert("CMYK").save(cmyk, "JPEG", quality=95)

    for variant in (png(palette), png(transparent), png(grey16), cmyk.getvalue()):
        assert close(fingerprint(variant), plain, bits=6)


def test_sixteen_bit_values_are_scaled_not_clipped():
    ramp = np.tile(np.linspace(0, 65535, 256, dtype=np.uint16), (256, 1))

    grey = hashing.to_greyscale(Image.fromarray(ramp))

    values = np.asarray(grey)
    assert values.min() == 0 and values.max() == 255
    assert len(np.unique(values)) > 200


def test_transparent_pixels_become_white():
    clear = Image.new("RGBA", (64, 64), (0, 0, 0, 0))

    grey = hashing.to_greyscale(clear)

    assert set(np.asarray(grey).ravel()) == {255}


def test_draft_decoding_gives_hashes_of_a_full_decode():
    big = sample_image("rocket").resize((2048, 1368), Image.Resampling.BICUBIC)
    content = jpeg(big, 90)

    drafted = fingerprint(content, draft=True)
    full = fingerprint(content, draft=False)

    assert close(drafted, full)


def test_capture_date_is_read_with_its_offset():
    exif = Image.Exif()
    details = exif.get_ifd(0x8769)
    details[0x9003] = "2026:05:14 13:45:10"
    details[0x9011] = "+12:00"
    out = io.BytesIO()
    sample_image("chelsea").save(out, "JPEG", exif=exif)

    taken = fingerprint(out.getvalue()).taken

    assert taken is not None
    assert taken.utc_offset == timedelta(hours=12)
    assert taken.isoformat() == "2026-05-14T13:45:10+12:00"


def test_a_photo_without_exif_has_no_capture_date():
    assert fingerprint(sample_bytes("chelsea")).taken is None


@pytest.mark.parametrize("colour", [0, 128, 250])
def test_uniform_and_nearly_blank_images_are_uninformative(colour):
    blank = Image.new("RGB", (640, 480), (colour, colour, colour))
    noise = np.random.default_rng(1).normal(0, 2, (480, 640, 3))
    nearly = np.clip(np.asarray(blank, dtype=float) + noise, 0, 255).astype(np.uint8)

    assert fingerprint(jpeg(blank)).uninformative
    assert fingerprint(jpeg(Image.fromarray(nearly))).uninformative


def test_a_white_sheet_with_a_small_word_is_uninformative_and_a_photo_is_not():
    sheet = Image.new("RGB", (800, 600), "white")
    from PIL import ImageDraw

    ImageDraw.Draw(sheet).text((20, 20), "Aurora", fill="black", font_size=24)

    assert fingerprint(jpeg(sheet)).uninformative
    assert not fingerprint(sample_bytes("coffee")).uninformative


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
         "heic_not_supported"),
        (b"GIF89a" + b"\x00" * 64, "unsupported_format"),
        (b"%PDF-1.7 not a photo", "unsupported_format"),
        (b"hello, this is text", "not_an_image"),
        (b"\xff\xd8\xff\xe0" + b"\x13" * 200, "corrupt"),
    ],
)
def test_files_that_are_not_photos_are_refused_with_a_reason(content, reason):
    with pytest.raises(UnreadablePhoto) as refused:
        fingerprint(content)

    assert refused.value.reason == reason


def test_a_truncated_jpeg_is_refused_as_truncated():
    content = sample_bytes("astronaut")

    with pytest.raises(UnreadablePhoto) as refused:
        fingerprint(content[: len(content) // 2])

    assert refused.value.reason == "truncated"


def test_too_many_pixels_are_refused_before_decoding():
    huge = Image.new("L", (8000, 7000), 128)  # 56 million pixels

    with pytest.raises(UnreadablePhoto) as refused:
        fingerprint(png(huge))

    assert refused.value.reason == "too_many_pixels"


def test_the_real_format_comes_from_the_signature():
    assert hashing.sniff_format(sample_bytes("coins")[:32]) == "jpeg"
    assert hashing.sniff_format(png(sample_image("coins"))[:32]) == "png"


def test_the_app_loads_without_the_imaging_layer():
    import subprocess
    import sys

    probe = ("import sys, app; heavy = {'imagehash', 'numpy', 'PIL', 'scipy'}; "
             "sys.exit(len(heavy & set(sys.modules)))")

    loaded = subprocess.run([sys.executable, "-c", probe], check=False,
                            capture_output=True, timeout=120)

    assert loaded.returncode == 0, loaded.stderr.decode()[-400:]
