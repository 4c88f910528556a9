"""GraphiQL's page, loading React and GraphiQL from this server (assets.py) instead of a CDN, so it works offline."""

from __future__ import annotations

import functools

from umkm_graph.web.assets import STATIC, script_tag, stylesheet_tag


@functools.cache
def graphiql_page() -> str:
    template = (STATIC / "graphiql.html").read_text()
    scripts = "\n  ".join(script_tag(name) for name in
                          ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js"))
    return template.replace("{{stylesheets}}", stylesheet_tag("graphiql.min.css")).replace("{{scripts}}", scripts)
