"""GET /s/{token}: a share link opened. The visit is counted (growth/sharing.py) and the browser sent on, 302, to the
product's or the shop's page with the token, for the storefront to pass on at checkout; a bad or changed token is 404.
Rate-limited per client address with /graphql (middleware.RATE_LIMITED_PATHS)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from umkm_graph.core.network import client_address
from umkm_graph.growth import sharing


async def open_share_link(request: Request) -> Response:
    signer = sharing.signer_of(request.app.state.settings)
    page = await sharing.visit(signer, request.path_params["token"], client_address(request.scope))
    if page is None:
        return PlainTextResponse("No such share link", status_code=404)
    return RedirectResponse(page, status_code=302, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
