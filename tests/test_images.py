"""Tests of upload handling: every kind of bad or odd picture gives a message or a sensible conversion."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from core.shared.images import ImageRejected, load_image, square_thumbnail


def encode(image: Image.Image, file_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=file_format, **options)
    return buffer.getvalue()


def test_not_an_image_is_rejected_with_a_message():
    """Test that a text file gives a clear message."""
    with pytest.raises(ImageRejected, match="not a picture"):
        load_image(b"hello, this is text")


def test_empty_file_is_rejected():
    """Test that an empty upload is named as such."""
    with pytest.raises(ImageRejected, match="empty"):
        load_image(b"")


def test_truncated_file_is_rejected_with_a_message():
    """Test that a JPEG cut in half is reported as truncated or damaged."""
    data = encode(Image.new("RGB", (200, 200), (10, 200, 30)), "JPEG")
    with pytest.raises(ImageRejected, match="truncated or damaged"):
        load_image(data[: len(data) // 2])


def test_decompression_bomb_is_rejected_before_decoding():
    """Test that a 20000 × 20000 picture is refused from its header, without decoding it."""
    data = encode(Image.new("1", (20_000, 20_000)), "PNG")
    with pytest.raises(ImageRejected, match="megapixels are accepted"):
        load_image(data)
    data = encode(Image.new("1", (9_000, 7_000)), "PNG")  # under Pillow's own limit, over ours
    with pytest.raises(ImageRejected, match="9000 × 7000"):
        load_image(data)


def test_16_bit_greyscale_is_scaled_not_clipped():
    """Test that a 16-bit PNG keeps its contrast: darkest → 0, brightest → 255."""
    values = np.linspace(1000, 60000, 64 * 64).reshape(64, 64).astype(np.uint16)
    loaded = load_image(encode(Image.fromarray(values), "PNG"))
    pixels = np.asarray(loaded.image)
    assert loaded.image.mode == "RGB"
    assert pixels.min() == 0 and pixels.max() == 255
    assert any("16-bit" in note for note in loaded.notes)


def test_cmyk_is_converted_to_rgb():
    """Test that a CMYK JPEG becomes RGB with a note."""
    loaded = load_image(encode(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "JPEG"))
    assert loaded.image.mode == "RGB"
    red, green, blue = loaded.image.getpixel((20, 15))
    assert red > 200 and green < 60 and blue < 60
    assert any("CMYK" in note for note in loaded.notes)


def test_palette_with_transparency_goes_on_white():
    """Test that a transparent palette GIF is flattened onto white."""
    image = Image.new("P", (10, 10), 0)
    image.putpalette([0, 0, 0] * 256)
    loaded = load_image(encode(image, "GIF", transparency=0))
    assert loaded.image.getpixel((5, 5)) == (255, 255, 255)


def test_animated_image_uses_the_first_frame():
    """Test that an animated GIF gives its first frame and says so."""
    frames = [Image.new("RGB", (16, 16), color) for color in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    loaded = load_image(buffer.getvalue())
    assert loaded.image.getpixel((8, 8))[0] > 200
    assert any("animated" in note for note in loaded.notes)


def test_webp_and_rgba_png_load():
    """Test that WebP and a transparent PNG load as RGB."""
    assert load_image(encode(Image.new("RGB", (50, 40), "white"), "WEBP")).image.size == (50, 40)
    assert load_image(encode(Image.new("RGBA", (8, 8), (0, 0, 0, 0)), "PNG")).image.getpixel((1, 1)) == (255, 255, 255)


def test_square_thumbnail_crops_the_centre():
    """Test that a wide picture is centre-cropped before the resize to 32 × 32."""
    image = Image.new("RGB", (300, 100), (0, 0, 255))
    image.paste((255, 0, 0), (100, 0, 200, 100))  # red centre square
    thumbnail = square_thumbnail(image, 32)
    assert thumbnail.shape == (32, 32, 3)
    assert thumbnail[:, :, 0].min() > 200 and thumbnail[:, :, 2].max() < 50
