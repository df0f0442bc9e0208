"""events, meta properties, playlists, access, audit, idempotency

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:49:22.456661
"""

import sqlalchemy as sa
from alembic import op

import services.common.database

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", services.common.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("organizer", sa.String(length=50), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_event_id"), ["event_id"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organizer", sa.String(length=50), nullable=False),
        sa.Column("slug", sa.String(length=50), nullable=False),
        sa.Column("slug_key", sa.String(length=50), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("testmode", sa.Boolean(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("date_from", services.common.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_to", services.common.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "date_admission", services.common.database.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column(
            "presale_start", services.common.database.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "presale_end", services.common.database.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("location", sa.JSON(), nullable=True),
        sa.Column("geo_lat", sa.Float(), nullable=True),
        sa.Column("geo_lon", sa.Float(), nullable=True),
        sa.Column("has_subevents", sa.Boolean(), nullable=False),
        sa.Column("plugins", sa.JSON(), nullable=False),
        sa.Column("seating_plan", sa.Integer(), nullable=True),
        sa.Column("seat_category_mapping", sa.JSON(), nullable=False),
        sa.Column("author", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", services.common.database.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organizer", "slug_key"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_organizer"), ["organizer"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("credential", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column(
            "created_at", services.common.database.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("credential", "key"),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_keys_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "meta_properties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organizer", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("default", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organizer", "name"),
    )
    with op.batch_alter_table("meta_properties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meta_properties_organizer"), ["organizer"], unique=False
        )

    op.create_table(
        "event_access",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "user_id"),
    )
    with op.batch_alter_table("event_access", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_access_user_id"), ["user_id"], unique=False)

    op.create_table(
        "meta_values",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("property_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["property_id"], ["meta_properties.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "property_id"),
    )
    with op.batch_alter_table("meta_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meta_values_property_id"), ["property_id"], unique=False
        )

    op.create_table(
        "playlists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_table(
        "playlist_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("playlist_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["playlist_id"], ["playlists.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["track_id"], ["tracks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("playlist_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_playlist_entries_playlist_id"), ["playlist_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("playlist_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_playlist_entries_playlist_id"))

    op.drop_table("playlist_entries")
    op.drop_table("playlists")
    with op.batch_alter_table("meta_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meta_values_property_id"))

    op.drop_table("meta_values")
    with op.batch_alter_table("event_access", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_access_user_id"))

    op.drop_table("event_access")
    with op.batch_alter_table("meta_properties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meta_properties_organizer"))

    op.drop_table("meta_properties")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_created_at"))

    op.drop_table("idempotency_keys")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_organizer"))

    op.drop_table("events")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_event_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
