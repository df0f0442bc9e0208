"""tracks: folded name and artist for ?search=

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

from services.events.tracks import FOLDED_MAX, fold

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for column in ("search_name", "search_artist"):
        op.add_column(
            "tracks", sa.Column(column, sa.String(length=255), nullable=False, server_default="")
        )
    tracks = sa.table(
        "tracks",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("artist", sa.String),
        sa.column("search_name", sa.String),
        sa.column("search_artist", sa.String),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(tracks.c.id, tracks.c.name, tracks.c.artist)):
        connection.execute(
            tracks.update()
            .where(tracks.c.id == row.id)
            .values(
                search_name=fold(row.name)[:FOLDED_MAX], search_artist=fold(row.artist)[:FOLDED_MAX]
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("tracks") as batch:
        batch.drop_column("search_artist")
        batch.drop_column("search_name")
