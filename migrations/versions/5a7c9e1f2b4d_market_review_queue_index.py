"""Market review queue: businesses of a status in review order (oldest first), so
a page of the queue is read off an index

Revision ID: 5a7c9e1f2b4d
Revises: 8d2e4f6a1b3c
Create Date: 2026-12-02 05:25:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5a7c9e1f2b4d'
down_revision = '8d2e4f6a1b3c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('market_businesses', schema=None) as batch_op:
        batch_op.create_index('ix_market_businesses_review', ['status', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('market_businesses', schema=None) as batch_op:
        batch_op.drop_index('ix_market_businesses_review')
