"""URLs in pages as paths, never absolute: Starlette's url_for writes the
request's Host header and scheme into every <script src> (a forged Host then
lands in the page, and behind an HTTPS proxy the page asks for http:// assets
the browser blocks). A path works from whatever origin served the page; a
prefix the proxy strips comes from uvicorn's --root-path (scope "root_path")."""

from __future__ import annotations

from jinja2 import pass_context


@pass_context
def path_for(context, name: str, /, **params) -> str:
    request = context["request"]
    return request.scope.get("root_path", "") + str(request.app.url_path_for(name, **params))
