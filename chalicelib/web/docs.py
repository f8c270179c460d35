"""The `/docs` page: Swagger UI rendering `/openapi.json`, with its assets
served by the app itself (the clients' networks may reach no CDN).

NOTE: links are relative, so the page also works under an API Gateway stage
prefix such as `/api/docs`.
"""

from functools import cache
from pathlib import Path

import swagger_ui

ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "application/javascript; charset=utf-8",
}
MEDIA_TYPES = tuple(sorted({kind.split(";")[0] for kind in ASSETS.values()}))
"""What the assets are served as, for the OpenAPI document."""

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Dealer marketing API</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/init.js"></script>
</body>
</html>
"""

INIT = """window.onload = function () {
  window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui"});
};
"""


def page() -> str:
    return PAGE


def asset(name: str) -> tuple[str, str] | None:
    """The text and content type of a docs asset; None for unknown names."""
    if name == "init.js":
        return INIT, ASSETS["swagger-ui-bundle.js"]
    if name not in ASSETS:
        return None
    return _read(name), ASSETS[name]


@cache
def _read(name: str) -> str:
    static = Path(swagger_ui.__file__).parent / "static"
    return (static / name).read_text(encoding="utf-8")
