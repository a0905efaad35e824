"""Market home: the newest public businesses of returned workers read backwards
off an index instead of sorting every business

Revision ID: 9c1e3a5b7d2f
Revises: 7b9d1f3a5c6e
Create Date: 2026-12-02 05:12:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9c1e3a5b7d2f'
down_revision = '7b9d1f3a5c6e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('market_businesses', schema=None) as batch_op:
        batch_op.create_index('ix_market_businesses_returnee', ['returnee', 'status', 'approved_at', 'id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('market_businesses', schema=None) as batch_op:
        batch_op.drop_index('ix_market_businesses_returnee')
