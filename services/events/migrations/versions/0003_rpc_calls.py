"""records of handled RPC calls (services/common/calls.py)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:50:00.000000
"""
from alembic import op
import sqlalchemy as sa
import services.common.database


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rpc_calls',
    sa.Column('call_id', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=100), nullable=False),
    sa.Column('at', services.common.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reply', sa.JSON(), nullable=True),
    sa.Column('error', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('call_id')
    )
    with op.batch_alter_table('rpc_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rpc_calls_at'), ['at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rpc_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rpc_calls_at'))

    op.drop_table('rpc_calls')
