"""Entering the Anadolu article from scratch with the CLI reproduces the seed data's claims."""

from __future__ import annotations

from typer.testing import CliRunner

from cli.main import app
from equipment_db.database import session_scope
from equipment_db.exchange.exporter import export_records
from tests.dbs import DatabaseFactory, engine_for

runner = CliRunner()
ANADOLU, CNN = "S-PJZ2YVHP", "S-SNXDBGDV"
ARTICLE_TITLE = (
    "Venezuela's president claims his country has 5,000 Russian missiles as Trump weighs military action"
)
RANGE_QUOTE = (
    "can target low-flying aircraft, drones, and helicopters at ranges up to 6 kilometers (3.7 miles)"
)
MADURO_QUOTE = ("“Any military force in the world knows the power of the Igla-S, and Venezuela has no less than "
                "5,000,” Nicolas Maduro said during a televised address to military personnel, calling the weapons "
                "vital to defending the nation’s sovereignty.")  # fmt: skip
CNN_QUOTE = "Independent verification of Maduro’s missile claim was not available, CNN reported."

COMMANDS: list[list[str]] = [
    ["target-type", "add", "aircraft", "--name", "Aircraft",
     "--description", 'Fixed-wing aircraft (sources say "low-flying aircraft").'],
    ["target-type", "add", "helicopter", "--name", "Helicopter"],
    ["target-type", "add", "uav", "--name", "UAV / drone"],
    ["system", "add", "igla-s", "--name", "9K338 Igla-S", "--category", "manpads", "--origin", "Russia",
     "--alias", "Igla-S=common_name", "--alias", "9K338=grau_index", "--alias", "SA-24=nato_reporting_name",
     "--alias", "SA-24 Grinch=nato_reporting_name"],
    ["system", "add", "fim-92-stinger", "--name", "FIM-92 Stinger", "--category", "manpads", "--origin", "US",
     "--alias", "FIM-92=designation", "--alias", "Stinger=common_name"],
    ["actor", "add", "Nicolás Maduro", "--kind", "person", "--country", "Venezuela",
     "--role", "President of Venezuela"],
    ["actor", "add", "Pete Hegseth", "--kind", "person", "--country", "US", "--role", "Defense Secretary"],
    ["actor", "add", "Anadolu Agency", "--kind", "media_outlet",
     "--description", "Reports in its own voice in the founding article (strikes, naval group)."],
    ["source", "add", "--id", CNN, "--kind", "other", "--publisher", "CNN", "--note",
     'Cited by Anadolu Agency ("according to CNN", "CNN reported"); no CNN URL or title is known.'],
    ["source", "add", "--id", ANADOLU, "--kind", "news_article", "--title", ARTICLE_TITLE,
     "--publisher", "Anadolu Agency", "--author", "Busra Nur Cakmak", "--published", "2025-10-23",
     "--language", "en", "--cites", CNN, "--note",
     "Subtitle: Venezuelan leader warns of US 'conspiracy' amid escalating tensions in the Caribbean. "
     "Ankara dateline, section Americas. URL not known."],
    ["claim", "add", "--id", "C-YSESYR2E", "--kind", "deployment", "--system", "SA-24", "--country", "Venezuela",
     "--location", "across its territory", "--value", "no less than 5,000", "--counted", "missiles",
     "--scope", "deployed", "--claimant", "Nicolás Maduro", "--stated", "2025-10-22",
     "--note", 'Televised address to military personnel. The article is dated Thursday 23 Oct 2025 and says the '
     'president spoke "Wednesday": 22 Oct 2025.', "--source", ANADOLU, "--quote", MADURO_QUOTE],
    ["claim", "cite", "C-YSESYR2E", "--source", CNN, "--role", "cited_in", "--quote", CNN_QUOTE],
    ["claim", "verify", "C-YSESYR2E", "unverified", "--note", CNN_QUOTE],
    ["claim", "add", "--id", "C-6RH566YT", "--kind", "specification", "--system", "igla-s",
     "--attribute", "max_range", "--value", "up to 6 kilometers (3.7 miles)", "--source", ANADOLU,
     "--quote", RANGE_QUOTE],
    ["claim", "add", "--id", "C-S6KYJEGZ", "--kind", "capability", "--system", "igla-s", "--target-type",
     "aircraft", "--value-text", "low-flying aircraft", "--source", ANADOLU, "--quote", RANGE_QUOTE],
    ["claim", "add", "--id", "C-NG1SZ3W3", "--kind", "capability", "--system", "igla-s", "--target-type", "uav",
     "--value-text", "drones", "--source", ANADOLU, "--quote", RANGE_QUOTE],
    ["claim", "add", "--id", "C-44MHY62E", "--kind", "capability", "--system", "igla-s",
     "--target-type", "helicopter", "--value-text", "helicopters", "--source", ANADOLU, "--quote", RANGE_QUOTE],
    ["claim", "add", "--id", "C-HMXXXQ24", "--kind", "comparison", "--system", "igla-s", "--related-system",
     "Stinger", "--value-text", "comparable to the US Stinger missile", "--source", ANADOLU,
     "--quote", "The Igla-S system, comparable to the US Stinger missile"],
    ["claim", "add", "--id", "C-MC5MGQVX", "--kind", "deployment", "--subject", "militia members",
     "--country", "VE", "--qualifier", "unspecified", "--value", "“millions” of militia members",
     "--counted", "personnel", "--scope", "mobilised", "--claimant", "Nicolás Maduro",
     "--note", 'The article says Maduro "previously claimed" this; no date is given.', "--source", ANADOLU,
     "--quote", "He also previously claimed Venezuela has mobilized “millions” of militia members."],
    ["claim", "add", "--id", "C-AMG9N2YM", "--kind", "use",
     "--subject", "strikes against vessels allegedly carrying illegal drugs", "--country", "US",
     "--location", "Caribbean Sea, in international waters just off the coast of Venezuela",
     "--value", "at least six strikes", "--counted", "strikes", "--scope", "used", "--claimant", "Anadolu Agency",
     "--note", '"Since last month" in an article dated 2025-10-23. The US has not provided evidence that the '
     "boats were carrying drugs.", "--source", ANADOLU, "--quote",
     "Since last month, the US has carried out at least six strikes against vessels allegedly carrying illegal "
     "drugs in the Caribbean Sea, in international waters just off the coast of Venezuela, but has not "
     "provided evidence that the boats were actually carrying drugs."],
    ["claim", "add", "--id", "C-KE2NS1R3", "--kind", "deployment", "--subject", "naval group", "--country", "US",
     "--location", "southern Caribbean", "--claimant", "Anadolu Agency", "--source", ANADOLU, "--quote",
     "Tensions between the Trump administration and Maduro recently escalated after the US deployed a naval "
     "group to the southern Caribbean."],
    ["claim", "add", "--id", "C-MJA2H8R0", "--kind", "deployment", "--subject", "joint task force",
     "--country", "US", "--location", "US Southern Command (SOUTHCOM) area of responsibility",
     "--claimant", "Pete Hegseth", "--note", 'Announced "last week" (article dated 2025-10-23), to target drug '
     "trafficking organizations.", "--source", ANADOLU, "--quote",
     "Defense Secretary Pete Hegseth announced last week that his department is forming a joint task force "
     "operating in the US Southern Command (SOUTHCOM) area of responsibility to target drug trafficking "
     "organizations."],
]  # fmt: skip
ARTICLE_CLAIMS = {"C-YSESYR2E", "C-6RH566YT", "C-S6KYJEGZ", "C-NG1SZ3W3", "C-44MHY62E", "C-HMXXXQ24",
                  "C-MC5MGQVX", "C-AMG9N2YM", "C-KE2NS1R3", "C-MJA2H8R0"}  # fmt: skip


def _article_records(url: str) -> dict[tuple, dict]:
    """The article's claims, their citations of Anadolu and CNN, and those two sources."""
    engine = engine_for(url)
    with session_scope(engine) as session:
        records = list(export_records(session))
    engine.dispose()
    kept = {}
    for record in records:
        if record["type"] == "claim" and record["id"] in ARTICLE_CLAIMS:
            kept[("claim", record["id"])] = record
        elif (
            record["type"] == "citation"
            and record["claim"] in ARTICLE_CLAIMS
            and record["source"] in (ANADOLU, CNN)
        ):
            kept[("citation", record["claim"], record["source"], record["role"])] = record
        elif record["type"] == "source" and record["id"] in (ANADOLU, CNN):
            kept[("source", record["id"])] = record
        elif record["type"] in ("system", "alias") or (
            record["type"] == "actor" and record["name"] != "SIPRI"
        ):
            kept[(record["type"], *(str(v) for v in record.values()))] = record
    return kept


def test_entering_the_anadolu_article_with_the_cli_reproduces_the_seed_claims(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    for command in COMMANDS:
        result = runner.invoke(app, ["--db", url, "--editor", "test-editor", *command])
        assert result.exit_code == 0, (command, result.output)
    entered, seeded = _article_records(url), _article_records(dbs.seeded())
    claims = {k for k in entered if k[0] == "claim"}
    assert {k[1] for k in claims} == ARTICLE_CLAIMS
    for key, record in entered.items():
        if key[0] in ("claim", "citation", "source"):
            assert record == seeded[key], key
    assert {k for k in entered if k[0] in ("system", "alias")} == {
        k for k in seeded if k[0] in ("system", "alias")
    }
