"""Images for upload tests, made in memory with Pillow (a phone's JPEG carries GPS and an orientation), and sending
one to POST /uploads as a person would."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from tests.helpers.api import Api
from tests.helpers.people import Person

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def phone_jpeg(width: int = 400, height: int = 300, orientation: int | None = None) -> bytes:
    """A JPEG as a phone writes it: with a GPS position in its EXIF, and optionally an orientation tag."""
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (7.0, 58.0, 0.0), 3: "E", 4: (112.0, 37.0, 0.0)})  # Kota Malang
    if orientation is not None:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(width: int = 300, height: int = 300) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 200, 10, 128)).save(out, "PNG")
    return out.getvalue()


async def send(api: Api, person: Person | None, data: bytes) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {person.token}"} if person else {}
    response = await api.client.post("/uploads", content=data, headers={**headers, "Content-Type": "image/jpeg"})
    return response.status_code, response.json()


async def upload(api: Api, person: Person, data: bytes | None = None) -> str:
    status, body = await send(api, person, data or phone_jpeg())
    assert status == 201, body
    return str(body["id"])


def receipt_photo(seed: int, width: int = 400, height: int = 300, quality: int = 90) -> bytes:
    """A JPEG with a picture of its own (blocks of brightness drawn from `seed`), so that two seeds are two pictures to
    a perceptual hash, and one seed at another size or quality is the same picture in other bytes."""
    import random

    rng = random.Random(seed)
    blocks = [[rng.randrange(256) for _ in range(12)] for _ in range(9)]
    image = Image.new("RGB", (width, height))
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            v = blocks[y * 9 // height][x * 12 // width]
            pixels[x, y] = (v, v, 255 - v)  # type: ignore[index]
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
