"""Reading an uploaded image by its content, never its name: JPEG, PNG or WebP only, within a size and pixel cap; turned
upright by its EXIF orientation, then written again as WebP in standard sizes with no metadata at all (phones write GPS
positions into photos), so nothing of the original file is served."""

from __future__ import annotations

import enum
import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from umkm_graph.core.errors import DomainError, ErrorCode

FORMATS = ("JPEG", "PNG", "WEBP")
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; beyond it, a decompression bomb rather than a product shot
MIN_SIDE = 64


class Rendition(enum.Enum):
    """A standard size: the longest side, in pixels; an image is never enlarged."""

    LARGE = 1200
    MEDIUM = 600
    THUMB = 200


SIZES = {rendition.name: rendition.value for rendition in Rendition}
QUALITY = 82


@dataclass(frozen=True)
class PreparedImage:
    sha256: str  # of the original bytes: the same file sent twice is kept once
    width: int
    height: int
    renditions: dict[str, bytes]  # size name -> WebP bytes


def prepare(data: bytes, max_bytes: int, field: str = "file") -> PreparedImage:
    """The image's renditions, or INVALID naming what is wrong with it."""
    if not data:
        raise DomainError(ErrorCode.REQUIRED, "The upload is empty; send the image's bytes", field)
    if len(data) > max_bytes:
        raise DomainError(ErrorCode.INVALID, f"The image is larger than {max_bytes // 1_000_000} MB", field)
    image = _opened(data, field)
    if min(image.size) < MIN_SIDE:
        raise DomainError(ErrorCode.INVALID, f"The image must be at least {MIN_SIDE} pixels on each side", field)
    upright = ImageOps.exif_transpose(image)
    mode = "RGBA" if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info else "RGB"
    clean = upright.convert(mode)
    renditions = {name: _webp(clean, side) for name, side in SIZES.items()}
    return PreparedImage(hashlib.sha256(data).hexdigest(), clean.width, clean.height, renditions)


def _opened(data: bytes, field: str) -> Image.Image:
    not_image = DomainError(ErrorCode.INVALID, "The file is not a JPEG, PNG or WebP image", field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=FORMATS)
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError(ErrorCode.INVALID, f"The image has more than {MAX_PIXELS // 1_000_000} megapixels",
                                  field)
            probe.verify()  # a truncated or corrupt file fails here, before any decoding work
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            image.load()
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError(ErrorCode.INVALID, f"The image has more than {MAX_PIXELS // 1_000_000} megapixels",
                          field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_image from None
    return image


def _webp(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "WEBP", quality=QUALITY, method=4)  # no exif= nor icc_profile=: nothing of the original's metadata
    return out.getvalue()
