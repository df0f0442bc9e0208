"""user item data and playback sessions

Revision ID: 0001
Revises:
Create Date: 2026-11-23 11:24:27.198654
"""

import sqlalchemy as sa
from alembic import op

import services.common.database

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "playback_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("device_key", sa.String(length=255), nullable=False),
        sa.Column("play_session_id", sa.String(length=255), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position_ticks", sa.BigInteger(), nullable=True),
        sa.Column("is_paused", sa.Boolean(), nullable=False),
        sa.Column("is_muted", sa.Boolean(), nullable=False),
        sa.Column("volume_level", sa.Integer(), nullable=True),
        sa.Column("repeat_mode", sa.String(length=20), nullable=False),
        sa.Column("play_method", sa.String(length=20), nullable=True),
        sa.Column("can_seek", sa.Boolean(), nullable=False),
        sa.Column("media_source_id", sa.String(length=255), nullable=True),
        sa.Column("audio_stream_index", sa.Integer(), nullable=True),
        sa.Column("subtitle_stream_index", sa.Integer(), nullable=True),
        sa.Column("live_stream_id", sa.String(length=255), nullable=True),
        sa.Column("started_us", sa.BigInteger(), nullable=False),
        sa.Column("last_seen_us", sa.BigInteger(), nullable=False),
        sa.Column("last_report_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "device_key", "play_session_id"),
    )
    with op.batch_alter_table("playback_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_playback_sessions_active_seen", ["active", "last_seen_us"], unique=False
        )

    op.create_table(
        "user_item_data",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("played", sa.Boolean(), nullable=False),
        sa.Column("play_count", sa.Integer(), nullable=False),
        sa.Column("playback_position_ticks", sa.BigInteger(), nullable=False),
        sa.Column(
            "last_played_date", services.common.database.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("is_favorite", sa.Boolean(), nullable=False),
        sa.Column("rating", sa.Float(), nullable=True),
        sa.Column("likes", sa.Boolean(), nullable=True),
        sa.Column("reported_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "item_id"),
    )
    with op.batch_alter_table("user_item_data", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_item_data_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("user_item_data", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_item_data_item_id"))

    op.drop_table("user_item_data")
    with op.batch_alter_table("playback_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_playback_sessions_active_seen")

    op.drop_table("playback_sessions")
