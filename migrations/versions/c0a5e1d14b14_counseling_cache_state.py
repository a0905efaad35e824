"""Counseling slot cache: one row holding a random token that changes with every
change to what the free slots depend on

Revision ID: c0a5e1d14b14
Revises: db2fa417fbe6
Create Date: 2026-12-01 23:30:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a5e1d14b14'
down_revision = 'db2fa417fbe6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('counseling_cache_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counseling_cache_state'))
    )
    op.execute(f"INSERT INTO counseling_cache_state (id, version) VALUES (1, {secrets.randbits(62)})")


def downgrade():
    op.drop_table('counseling_cache_state')
