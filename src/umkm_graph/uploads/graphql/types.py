"""A photo, as every domain that has them shows it (a product's, a complaint's)."""

from __future__ import annotations

import strawberry

from umkm_graph.graphql_engine.response_cache import public_data
from umkm_graph.uploads.images import Rendition
from umkm_graph.uploads.models import Upload
from umkm_graph.uploads.service import media_url

PhotoSize = strawberry.enum(Rendition, name="PhotoSize", description="A standard rendition, as WebP: the longest side "
                            "at most 1200 (LARGE), 600 (MEDIUM) or 200 (THUMB) pixels.")


@strawberry.type(name="Photo", description="An uploaded photo, served as WebP in standard sizes with no metadata.")
class PhotoType:
    id: strawberry.ID = strawberry.field(metadata=public_data())
    width: int = strawberry.field(description="Of the upright original, in pixels.", metadata=public_data())
    height: int = strawberry.field(metadata=public_data())
    upload: strawberry.Private[Upload]

    @strawberry.field(description="Where this rendition is served: relative to the API's origin (GET /media/...), "
                      "or an absolute address where the API's operator serves photos from elsewhere (a CDN); "
                      "immutable, so it may be cached for good.", metadata=public_data())
    def url(self, info: strawberry.Info, size: PhotoSize = Rendition.MEDIUM) -> str:  # type: ignore[valid-type]
        return media_url(self.upload, size.name, info.context.settings.media.public_url)

    @classmethod
    def from_upload(cls, upload: Upload) -> PhotoType:
        return cls(id=strawberry.ID(str(upload.id)), width=upload.width, height=upload.height, upload=upload)
