"""A photo's perceptual hash (dHash): the same picture sent again, re-encoded, resized or recompressed, hashes to a
near neighbour, where its bytes would not match at all."""

from __future__ import annotations

import io

from PIL import Image

SAME_PHOTO_BITS = 6  # of 64: at most this many differing bits is the same photo (dHash's usual threshold is 5 to 10)


def dhash(data: bytes) -> str:
    """The 64-bit difference hash of an image, in hex: each bit says whether a pixel of its 9x8 greyscale is brighter
    than its right neighbour."""
    with Image.open(io.BytesIO(data)) as image:
        small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = [small.getpixel((x, y)) for y in range(8) for x in range(9)]
    bits = 0
    for row in range(8):
        for col in range(8):
            bits = (bits << 1) | (pixels[row * 9 + col] > pixels[row * 9 + col + 1])
    return f"{bits:016x}"


def same_photo(a: str, b: str) -> bool:
    return (int(a, 16) ^ int(b, 16)).bit_count() <= SAME_PHOTO_BITS
