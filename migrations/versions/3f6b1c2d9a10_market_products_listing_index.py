"""Market search: an index in the listing order of search results (sold out last,
newest first), so a search for a common word stops after a page

Revision ID: 3f6b1c2d9a10
Revises: c0a5e1d14b14
Create Date: 2026-12-02 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f6b1c2d9a10'
down_revision = 'c0a5e1d14b14'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('market_products', schema=None) as batch_op:
        batch_op.create_index('ix_market_products_listing',
                              ['sold_out', sa.literal_column('created_at').desc(), sa.literal_column('id').desc()], unique=False)


def downgrade():
    with op.batch_alter_table('market_products', schema=None) as batch_op:
        batch_op.drop_index('ix_market_products_listing')
