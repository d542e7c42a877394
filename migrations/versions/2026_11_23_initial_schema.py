"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 19:32:54.729548
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "actor",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retraction_reason", sa.String(length=2000), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "person",
                "government_body",
                "armed_force",
                "manufacturer",
                "media_outlet",
                "research_institute",
                "international_organisation",
                "other",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("role", sa.String(length=300), nullable=True),
        sa.Column("wikidata_qid", sa.String(length=20), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor")),
        sa.UniqueConstraint("name_key", name=op.f("uq_actor_name_key")),
    )
    op.create_table(
        "external_id",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "entity_type",
            sa.Enum(
                "system",
                "target_type",
                "actor",
                "source",
                "claim",
                "claim_link",
                name="entity_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column(
            "scheme",
            sa.Enum(
                "wikidata",
                "sipri_deal",
                "oryx",
                "other",
                name="scheme",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_id")),
        sa.UniqueConstraint(
            "entity_type",
            "entity_id",
            "scheme",
            "value",
            name=op.f("uq_external_id_entity_type_entity_id_scheme_value"),
        ),
    )
    with op.batch_alter_table("external_id", schema=None) as batch_op:
        batch_op.create_index("ix_external_id_scheme_value", ["scheme", "value"], unique=False)

    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "entity_type",
            sa.Enum(
                "system",
                "target_type",
                "actor",
                "source",
                "claim",
                "claim_link",
                name="entity_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("entity_key", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "create",
                "update",
                "retract",
                name="action",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("editor", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_revision_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision")),
        sa.UniqueConstraint(
            "entity_type",
            "entity_id",
            "version",
            name=op.f("uq_revision_entity_type_entity_id_version"),
        ),
    )
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.create_index("ix_revision_created_at", ["created_at"], unique=False)

    op.create_table(
        "source",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retraction_reason", sa.String(length=2000), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "news_article",
                "official_statement",
                "government_document",
                "research_report",
                "manufacturer_data",
                "dataset",
                "social_media",
                "book",
                "video",
                "web_page",
                "other",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("publisher", sa.String(length=200), nullable=True),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column(
            "published_precision",
            sa.Enum(
                "year",
                "month",
                "day",
                name="published_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("accessed_on", sa.Date(), nullable=True),
        sa.Column("archive_url", sa.String(length=2000), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=10), nullable=False),
        sa.Column("cites_source_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cites_source_id"], ["source.id"], name=op.f("fk_source_cites_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("public_id", name=op.f("uq_source_public_id")),
        sa.UniqueConstraint("url", name=op.f("uq_source_url")),
    )
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_cites_source_id"), ["cites_source_id"], unique=False)

    op.create_table(
        "system",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retraction_reason", sa.String(length=2000), nullable=True),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "manpads",
                "sam_system",
                "anti_tank_missile",
                "air_to_air_missile",
                "cruise_missile",
                "ballistic_missile",
                "aircraft",
                "helicopter",
                "uav",
                "armoured_vehicle",
                "artillery",
                "naval_vessel",
                "radar",
                "small_arms",
                "other",
                name="category",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("origin_country", sa.String(length=2), nullable=True),
        sa.Column("manufacturer", sa.String(length=200), nullable=True),
        sa.Column("wikidata_qid", sa.String(length=20), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["system.id"], name=op.f("fk_system_parent_id_system")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_system")),
        sa.UniqueConstraint("slug", name=op.f("uq_system_slug")),
    )
    with op.batch_alter_table("system", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_system_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "target_type",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retraction_reason", sa.String(length=2000), nullable=True),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_type")),
        sa.UniqueConstraint("slug", name=op.f("uq_target_type_slug")),
    )
    op.create_table(
        "alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "designation",
                "nato_reporting_name",
                "grau_index",
                "common_name",
                "transliteration",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["system_id"], ["system.id"], name=op.f("fk_alias_system_id_system")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alias")),
        sa.UniqueConstraint("system_id", "name_key", name=op.f("uq_alias_system_id_name_key")),
    )
    with op.batch_alter_table("alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alias_name_key"), ["name_key"], unique=False)

    op.create_table(
        "claim",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retraction_reason", sa.String(length=2000), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=10), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "specification",
                "capability",
                "comparison",
                "inventory",
                "deployment",
                "transfer",
                "production",
                "use",
                "loss",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("system_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column(
            "attribute",
            sa.Enum(
                "max_range",
                "min_range",
                "effective_range",
                "max_altitude",
                "min_altitude",
                "speed",
                "weight",
                "weight_with_launcher",
                "length",
                "warhead_weight",
                "guidance",
                "manufacturer",
                "in_service_since",
                "operator_count",
                "unit_cost",
                name="attribute",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("target_type_id", sa.Integer(), nullable=True),
        sa.Column("related_system_id", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("counterparty_country", sa.String(length=2), nullable=True),
        sa.Column("location", sa.String(length=500), nullable=True),
        sa.Column("value_low", sa.Float(), nullable=True),
        sa.Column("value_high", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=True),
        sa.Column("original_unit", sa.String(length=40), nullable=True),
        sa.Column(
            "qualifier",
            sa.Enum(
                "exact",
                "approximately",
                "at_least",
                "more_than",
                "at_most",
                "less_than",
                "up_to",
                "range",
                "unspecified",
                name="qualifier",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("value_text", sa.String(length=1000), nullable=True),
        sa.Column(
            "counted",
            sa.Enum(
                "missiles",
                "launchers",
                "firing_units",
                "systems",
                "vehicles",
                "aircraft",
                "vessels",
                "personnel",
                "strikes",
                "units",
                name="counted",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "scope",
            sa.Enum(
                "inventory",
                "deployed",
                "mobilised",
                "ordered",
                "delivered",
                "produced",
                "used",
                "lost",
                name="scope",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("claimant_id", sa.Integer(), nullable=True),
        sa.Column("stated_on", sa.Date(), nullable=True),
        sa.Column(
            "stated_precision",
            sa.Enum(
                "year",
                "month",
                "day",
                name="stated_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("about_start", sa.Date(), nullable=True),
        sa.Column("about_end", sa.Date(), nullable=True),
        sa.Column(
            "about_precision",
            sa.Enum(
                "year",
                "month",
                "day",
                name="about_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "verification_status",
            sa.Enum(
                "unverified",
                "corroborated",
                "confirmed",
                "disputed",
                "denied",
                "refuted",
                name="verification_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("verification_note", sa.Text(), nullable=True),
        sa.Column(
            "rank",
            sa.Enum(
                "preferred",
                "normal",
                "deprecated",
                name="rank",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "reliability",
            sa.Enum(
                "A",
                "B",
                "C",
                "D",
                "E",
                "F",
                name="reliability",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "credibility",
            sa.Enum(
                "1",
                "2",
                "3",
                "4",
                "5",
                "6",
                name="credibility",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("assessment_rationale", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "about_start IS NULL OR about_end IS NULL OR about_start <= about_end",
            name=op.f("ck_claim_about_order"),
        ),
        sa.CheckConstraint(
            "value_low IS NULL OR value_high IS NULL OR value_low <= value_high",
            name=op.f("ck_claim_value_order"),
        ),
        sa.ForeignKeyConstraint(["claimant_id"], ["actor.id"], name=op.f("fk_claim_claimant_id_actor")),
        sa.ForeignKeyConstraint(
            ["related_system_id"], ["system.id"], name=op.f("fk_claim_related_system_id_system")
        ),
        sa.ForeignKeyConstraint(["system_id"], ["system.id"], name=op.f("fk_claim_system_id_system")),
        sa.ForeignKeyConstraint(
            ["target_type_id"], ["target_type.id"], name=op.f("fk_claim_target_type_id_target_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
        sa.UniqueConstraint("public_id", name=op.f("uq_claim_public_id")),
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_claimant_id"), ["claimant_id"], unique=False)
        batch_op.create_index("ix_claim_country_about", ["country", "about_start"], unique=False)
        batch_op.create_index("ix_claim_kind_system", ["kind", "system_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_related_system_id"), ["related_system_id"], unique=False)
        batch_op.create_index(
            "ix_claim_system_country_about", ["system_id", "country", "about_start"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_claim_target_type_id"), ["target_type_id"], unique=False)

    op.create_table(
        "citation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("locator", sa.String(length=200), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "reports",
                "cited_in",
                "corroborates",
                "disputes",
                name="role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name=op.f("fk_citation_claim_id_claim")),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_citation_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citation")),
        sa.UniqueConstraint(
            "claim_id", "source_id", "role", name=op.f("uq_citation_claim_id_source_id_role")
        ),
    )
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citation_source_id"), ["source_id"], unique=False)

    op.create_table(
        "claim_link",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retraction_reason", sa.String(length=2000), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_claim_id", sa.Integer(), nullable=False),
        sa.Column("to_claim_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "corroborates",
                "contradicts",
                "supersedes",
                "same_as",
                name="kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("from_claim_id <> to_claim_id", name=op.f("ck_claim_link_not_self")),
        sa.ForeignKeyConstraint(
            ["from_claim_id"], ["claim.id"], name=op.f("fk_claim_link_from_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(["to_claim_id"], ["claim.id"], name=op.f("fk_claim_link_to_claim_id_claim")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_link")),
        sa.UniqueConstraint(
            "from_claim_id",
            "to_claim_id",
            "kind",
            name=op.f("uq_claim_link_from_claim_id_to_claim_id_kind"),
        ),
    )
    with op.batch_alter_table("claim_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_link_to_claim_id"), ["to_claim_id"], unique=False)


def downgrade() -> None:
    # Down to base removes every table, including the one that keeps claims' source numbers
    # while the schema is below revision 0009 (2026_12_05_source_numbers).
    op.execute("DROP TABLE IF EXISTS claim_given_numbers")
    with op.batch_alter_table("claim_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_link_to_claim_id"))

    op.drop_table("claim_link")
    with op.batch_alter_table("citation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citation_source_id"))

    op.drop_table("citation")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_target_type_id"))
        batch_op.drop_index("ix_claim_system_country_about")
        batch_op.drop_index(batch_op.f("ix_claim_related_system_id"))
        batch_op.drop_index("ix_claim_kind_system")
        batch_op.drop_index("ix_claim_country_about")
        batch_op.drop_index(batch_op.f("ix_claim_claimant_id"))

    op.drop_table("claim")
    with op.batch_alter_table("alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alias_name_key"))

    op.drop_table("alias")
    op.drop_table("target_type")
    with op.batch_alter_table("system", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_system_parent_id"))

    op.drop_table("system")
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_cites_source_id"))

    op.drop_table("source")
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.drop_index("ix_revision_created_at")

    op.drop_table("revision")
    with op.batch_alter_table("external_id", schema=None) as batch_op:
        batch_op.drop_index("ix_external_id_scheme_value")

    op.drop_table("external_id")
    op.drop_table("actor")
