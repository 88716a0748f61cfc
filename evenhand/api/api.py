from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="evenhand API", version="1", docs_url="/docs")
