"""Reading pictures that people upload: any format Pillow knows, any size or mode, safely.

Everything that can go wrong with an upload ends as `ImageRejected` with a sentence to show;
odd but usable files (16-bit, CMYK, palette, transparency, animation) are converted, and
each conversion is reported as a note.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

# Far above any photo a student takes (a 48-megapixel phone picture is 8064 × 6048), far below
# what would exhaust memory when decoded (20000 × 20000 RGB is 1.2 GB).
MAX_PIXELS = 50_000_000


# What the upload widgets accept: every format Pillow reads that people send.
UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"]


class ImageRejected(ValueError):
    """The upload cannot be used; the message says why, in words for the user."""


@dataclass(frozen=True)
class LoadedImage:
    """An RGB picture and what was done to make it one."""

    image: Image.Image  # mode "RGB"
    notes: tuple[str, ...]  # conversions made, for the page to mention
    original_size: tuple[int, int]  # (width, height) as uploaded
    original_mode: str


def _to_8_bit(image: Image.Image) -> Image.Image:
    """16- or 32-bit greyscale → 8-bit by scaling the full range, not by clipping at 255."""
    values = np.asarray(image, dtype=np.float64)
    low, high = float(values.min()), float(values.max())
    scaled = (values - low) * (255.0 / (high - low)) if high > low else np.zeros_like(values)
    return Image.fromarray(scaled.round().astype(np.uint8), mode="L")


def _flatten_alpha(image: Image.Image) -> Image.Image:
    """Composite a transparent picture over white, as a viewer shows it."""
    background = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, image.convert("RGBA")).convert("RGB")


def load_image(data: bytes) -> LoadedImage:
    """Decode uploaded bytes into an RGB image.

    Raises:
        ImageRejected: not an image, truncated or corrupt, or too many pixels to decode safely.
    """
    if not data:
        raise ImageRejected("The file is empty.")
    notes: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageRejected(
                    f"The picture is {width} × {height} pixels ({width * height / 1e6:.0f} megapixels); "
                    f"pictures up to {MAX_PIXELS / 1e6:.0f} megapixels are accepted. Please scale it down."
                )
            file_format = image.format or "image"
            if getattr(image, "is_animated", False):
                notes.append(f"It is animated ({getattr(image, 'n_frames', 2)} frames): the first frame is used.")
                image.seek(0)
            image.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRejected(
            f"The picture has too many pixels to decode safely; pictures up to {MAX_PIXELS / 1e6:.0f} megapixels are "
            "accepted. Please scale it down."
        ) from error
    except UnidentifiedImageError as error:
        raise ImageRejected("This file is not a picture that can be read (try PNG, JPEG or WebP).") from error
    except (OSError, ValueError, SyntaxError) as error:
        raise ImageRejected(
            f"The picture could not be read; the file may be truncated or damaged ({error})."
        ) from error

    original_mode = image.mode
    image = ImageOps.exif_transpose(image)  # phone photos store their rotation in EXIF
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        notes.append(f"It has {'16' if image.mode.startswith('I;16') else '32'}-bit pixels: scaled to 8 bits.")
        image = _to_8_bit(image)
    if image.mode == "P":
        has_alpha = "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
        notes.append("It uses a colour palette: converted to RGB.")
    if image.mode == "CMYK":
        notes.append("It is a CMYK (print) picture: converted to RGB.")
    if image.mode in ("RGBA", "LA", "PA"):
        notes.append("It has transparency: placed on a white background.")
        image = _flatten_alpha(image)
    if image.mode != "RGB":
        image = image.convert("RGB")
    return LoadedImage(image, tuple(notes), (width, height), f"{file_format} {original_mode}")


def square_thumbnail(image: Image.Image, size: int) -> np.ndarray:
    """Centre-crop to a square and resize to size × size: the view a CIFAR network gets.

    Returns:
        (size, size, 3) uint8 array.
    """
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    square = image.crop((left, top, left + side, top + side))
    return np.asarray(square.resize((size, size), Image.Resampling.LANCZOS), dtype=np.uint8)


def canvas_picture(strokes: np.ndarray, background: Image.Image | None = None) -> Image.Image:
    """An RGB picture of a drawing canvas's strokes (RGBA, height × width × 4) over `background` or white."""
    drawing = Image.fromarray(strokes.astype(np.uint8), mode="RGBA")
    base = background if background is not None else Image.new("RGB", drawing.size, "white")
    return Image.alpha_composite(base.convert("RGBA"), drawing).convert("RGB")


def png_bytes(picture: np.ndarray) -> bytes:
    """A uint8 picture (height, width[, 3]) as the bytes of a PNG file."""
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="PNG")
    return buffer.getvalue()
