"""Payments: an invoice's description in English beside the Indonesian one
(invoices made before it show the Indonesian description in both languages)

Revision ID: a4c7e2d9b1f3
Revises: 7d3b9e1f4a2c
Create Date: 2026-12-03 18:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c7e2d9b1f3'
down_revision = '7d3b9e1f4a2c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description_en', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_column('description_en')
