"""schema.org JSON-LD for entries: ClaimReview for an assessed claim, Claim for one not yet
assessed, CreativeWork for a source, Product for a catalogued system."""

from __future__ import annotations

from typing import Any

from equipment_db.citations.entities import source_permalink, system_permalink
from equipment_db.citations.entry import CitedVersion, permalink
from equipment_db.citations.text import claim_sentence
from equipment_db.normalize import dates

# The verification status as a rating (1 worst, 5 best).
RATINGS = {"refuted": 1, "denied": 1, "disputed": 2, "unverified": 3, "corroborated": 4, "confirmed": 5}
SOURCE_TYPES = {"news_article": "NewsArticle", "research_report": "Report", "government_document": "Report",
                "book": "Book", "video": "VideoObject", "social_media": "SocialMediaPosting",
                "dataset": "Dataset", "web_page": "WebPage"}  # fmt: skip


def _claim(snapshot: dict[str, Any]) -> dict[str, Any]:
    appearances = [
        {"@type": "CreativeWork", "name": c["source"]["title"] or c["source"]["publisher"],
         "publisher": c["source"]["publisher"], "url": c["source"]["url"],
         "datePublished": dates.format_date(c["source"]["published_on"], c["source"].get("published_precision"))}
        for c in snapshot["citations"]
    ]  # fmt: skip
    author = None
    if snapshot.get("claimant"):
        author = {"@type": "Person" if snapshot.get("claimant_role") else "Organization",
                  "name": snapshot["claimant"]}  # fmt: skip
    # schema.org dates are ISO 8601: an approximate date, a decade or a period is left out.
    return {"@type": "Claim", "appearance": appearances, "author": author,
            "datePublished": dates.iso_date(dates.claim_edtf(snapshot, "stated"))}  # fmt: skip


def claim_review(cited: CitedVersion) -> dict[str, Any]:
    """The claim's assessment as a ClaimReview: its verification status is the rating."""
    snapshot = cited.snapshot
    status = snapshot["verification_status"]
    return {
        "@context": "https://schema.org", "@type": "ClaimReview", "url": permalink(cited),
        "claimReviewed": claim_sentence(snapshot), "datePublished": dates.format_date(cited.revised_on),
        "author": {"@type": "Organization", "name": "equipment-db"},
        "reviewRating": {"@type": "Rating", "ratingValue": RATINGS[status], "bestRating": 5, "worstRating": 1,
                         "alternateName": status.capitalize(),
                         "ratingExplanation": snapshot.get("verification_note")},
        "itemReviewed": _claim(snapshot),
    }  # fmt: skip


def claim_jsonld(cited: CitedVersion) -> dict[str, Any]:
    """ClaimReview once the claim is assessed (any status but unverified), else the Claim."""
    if cited.snapshot["verification_status"] != "unverified":
        return claim_review(cited)
    return {"@context": "https://schema.org", **_claim(cited.snapshot), "url": permalink(cited),
            "text": claim_sentence(cited.snapshot)}  # fmt: skip


def source_jsonld(snapshot: dict[str, Any], *, version: int, base_url: str) -> dict[str, Any]:
    return {
        "@context": "https://schema.org", "@type": SOURCE_TYPES.get(snapshot["kind"], "CreativeWork"),
        "@id": source_permalink(base_url, snapshot["public_id"], version),
        "name": snapshot.get("title") or snapshot.get("publisher"),
        "publisher": {"@type": "Organization", "name": snapshot["publisher"]} if snapshot.get("publisher") else None,
        "author": [{"@type": "Person", "name": name} for name in snapshot.get("authors") or []],
        "datePublished": dates.format_date(snapshot.get("published_on"), snapshot.get("published_precision")),
        "url": snapshot.get("url"),
        "archivedAt": snapshot.get("archive_url"), "inLanguage": snapshot.get("language"),
    }  # fmt: skip


def system_jsonld(snapshot: dict[str, Any], *, version: int, base_url: str) -> dict[str, Any]:
    return {
        "@context": "https://schema.org", "@type": "Product",
        "@id": system_permalink(base_url, snapshot["slug"], version), "name": snapshot["name"],
        "alternateName": [alias["name"] for alias in snapshot.get("aliases") or []],
        "category": snapshot.get("category"), "countryOfOrigin": snapshot.get("origin_country"),
    }  # fmt: skip
