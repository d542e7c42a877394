"""Caching that is true, HEAD everywhere, security headers, links from settings, and /docs
offline: on both engines."""

from __future__ import annotations

import re
import struct

from bs4 import BeautifulSoup

from cli.serve import published
from equipment_db.config import get_settings
from tests.api_client import api
from tests.dbs import DatabaseFactory

BROWSER = {"Accept": "text/html"}
CLAIM = "C-GEPDCDFB"
GETS = ["/health", "/v1/meta", "/v1/systems", "/v1/systems/igla-s", "/v1/claims?limit=2", f"/v1/claims/{CLAIM}",
        f"/v1/claims/{CLAIM}/versions", f"/v1/claims/{CLAIM}/versions/1", f"/v1/claims/{CLAIM}/citation?format=apa",
        "/v1/sources", "/v1/actors", "/v1/search?q=Igla", "/v1/compare?systems=igla-s,fim-92-stinger",
        "/v1/countries/VE", "/v1/systems/igla-s/quantities", "/openapi.json", "/docs", "/assets/pages.css"]  # fmt: skip
HOSTILE = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http",
           "Forwarded": "host=evil.example;proto=http"}  # fmt: skip


def test_head_answers_every_get_route_with_its_headers_and_no_body(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        for path in GETS:
            got, head = client.get(path), client.head(path)
            assert (head.status_code, head.content) == (got.status_code, b""), path
            assert head.headers.get("etag") == got.headers.get("etag"), path
            assert head.headers.get("content-length") == got.headers.get("content-length"), path


def test_cache_control_says_what_may_change(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        version = client.get(f"/v1/claims/{CLAIM}/versions/1")
        assert version.headers["cache-control"] == "public, max-age=31536000, immutable"
        page = client.get(f"/v1/claims/{CLAIM}/versions/1", headers=BROWSER)
        assert page.headers["content-type"].startswith("text/html")
        assert (page.headers["cache-control"], bool(page.headers["etag"])) == ("no-cache", True)
        assert client.get(f"/v1/claims/{CLAIM}", headers=BROWSER).headers["cache-control"] == "no-cache"
        assert client.get(f"/v1/claims/{CLAIM}").headers["cache-control"] == "public, max-age=60"
        assert client.get("/health").headers["cache-control"] == "no-store"


def test_if_none_match_follows_rfc_9110(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        path = f"/v1/claims/{CLAIM}"
        etag = client.get(path).headers["etag"]
        for header in ("*", etag, f'"other", {etag}', f"W/{etag}", f' "other" , W/{etag} '):
            again = client.get(path, headers={"If-None-Match": header})
            assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag), header
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
        assert client.head(path, headers={"If-None-Match": "*"}).status_code == 304


def test_every_response_carries_the_security_headers_and_pages_run_no_inline_script(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        for path, headers in ((f"/v1/claims/{CLAIM}", BROWSER), ("/v1/systems/igla-s", {}),
                              ("/v1/claims/C-00000000", BROWSER), ("/v1/nothing-here", {})):  # fmt: skip
            response = client.get(path, headers=headers)
            assert response.headers["x-content-type-options"] == "nosniff", path
            policy = response.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, path
            assert "unsafe-inline" not in policy, path
        soup = BeautifulSoup(client.get(f"/v1/claims/{CLAIM}", headers=BROWSER).text, "html.parser")
        assert [s["src"] for s in soup.find_all("script") if s.get("src")] == ["/assets/copy.js"]
        assert client.get("/assets/copy.js").headers["content-type"].startswith("text/javascript")
        assert client.get("/assets/..%2Fapp.py").status_code == 404


def test_docs_work_offline_from_the_package(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        docs = client.get("/docs")
        assert docs.status_code == 200 and not re.search(r"https?://", docs.text)
        for asset in re.findall(r'(?:src|href)="(/assets/[^"]+)"', docs.text):
            assert client.get(asset).status_code == 200, asset
        assert "SwaggerUIBundle" in client.get("/assets/swagger/swagger-ui-bundle.js").text
        redoc = client.get("/redoc", follow_redirects=False)
        assert (redoc.status_code, redoc.headers["location"]) == (308, "/docs")


def test_every_page_has_an_icon_at_the_address_browsers_ask(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        icon = client.get("/favicon.ico", headers=BROWSER)
        assert icon.status_code == 200 and icon.headers["content-type"] == "image/vnd.microsoft.icon"
        reserved, kind, count = struct.unpack("<HHH", icon.content[:6])
        assert (reserved, kind, count) == (0, 1, 1)  # an ICO file with one image,
        size, offset = struct.unpack("<II", icon.content[14:22])
        assert icon.content[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + size == len(icon.content)  # a PNG


def test_links_come_from_settings_whatever_the_client_says_its_host_is(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        for path, headers in (("/v1/claims?limit=2", {}), (f"/v1/claims/{CLAIM}", {}),
                              (f"/v1/claims/{CLAIM}", BROWSER), ("/v1/systems/igla-s", BROWSER),
                              (f"/v1/claims/{CLAIM}/citation?format=apa", {})):  # fmt: skip
            plain = client.get(path, headers=headers)
            hostile = client.get(path, headers=headers | HOSTILE)
            assert hostile.content == plain.content, path
            assert "evil.example" not in hostile.text and "https://db.example.org/" in hostile.text, path
        moved = client.get("/v1/systems/sa-24", headers=HOSTILE, follow_redirects=False)
        assert moved.headers["location"].startswith("https://db.example.org/v1/systems/igla-s")


def test_serve_publishes_the_address_it_serves_on_unless_one_is_configured() -> None:
    assert published(get_settings(url="sqlite://"), "127.0.0.1", 8123).public_url == "http://127.0.0.1:8123"
    assert published(get_settings(url="sqlite://"), "::1", 9000).public_url == "http://[::1]:9000"
    configured = get_settings(url="sqlite://", public_url="https://db.example.org")
    assert published(configured, "0.0.0.0", 8000).public_url == "https://db.example.org"
