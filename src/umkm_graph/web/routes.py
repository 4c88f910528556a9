"""The web pages' routes: the dashboard's page and the files under /static (vendored assets and the dashboard's own)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from umkm_graph.translations import LANGUAGES, catalog
from umkm_graph.web.assets import PREFIX, STATIC, static_files

# The dashboard loads nothing but this server's files and speaks only to its /graphql.
DASHBOARD_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"


async def dashboard(_: Request) -> FileResponse:
    return FileResponse(STATIC / "dashboard" / "index.html",
                        headers={"Content-Security-Policy": DASHBOARD_POLICY, "Cache-Control": "no-cache"})


async def dashboard_texts(request: Request) -> Response:
    """The dashboard's texts in one language, by key, from the gettext catalogue locales/<language>/dashboard.po."""
    language = request.path_params["language"]
    if language not in LANGUAGES:
        return JSONResponse({"error": f"no dashboard texts in {language!r}; one of {', '.join(LANGUAGES)}"}, 404)
    texts = {str(m.id): str(m.string) for m in catalog("dashboard", language) if m.id and m.string}
    return JSONResponse(texts, headers={"Cache-Control": "no-cache"})


def web_routes() -> list[BaseRoute]:
    return [Route("/dashboard", dashboard), Route("/dashboard/texts/{language}.json", dashboard_texts),
            Mount(PREFIX, app=static_files(), name="static")]
