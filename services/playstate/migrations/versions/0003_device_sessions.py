"""device sessions (Jellyfin's GET /Sessions)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 19:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.Column("client", sa.String(length=255), nullable=False),
        sa.Column("device_id", sa.String(length=255), nullable=False),
        sa.Column("device_name", sa.String(length=255), nullable=False),
        sa.Column("application_version", sa.String(length=255), nullable=False),
        sa.Column("last_activity_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "client", "device_id"),
    )
    op.create_index("ix_device_sessions_last_activity_us", "device_sessions", ["last_activity_us"])


def downgrade() -> None:
    op.drop_table("device_sessions")
