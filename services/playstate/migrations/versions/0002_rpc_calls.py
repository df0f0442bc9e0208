"""records of handled RPC calls (services/common/redelivery.py)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:40:00.000000
"""

from alembic import op

from services.common import redelivery

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    redelivery.create_table(op)


def downgrade() -> None:
    redelivery.drop_table(op)
