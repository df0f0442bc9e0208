"""records of handled RPC calls (services/common/redelivery.py)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:30:00.000000
"""

from alembic import op

from services.common import redelivery

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    redelivery.create_table(op)


def downgrade() -> None:
    redelivery.drop_table(op)
