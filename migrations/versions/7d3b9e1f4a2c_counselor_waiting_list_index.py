"""Counseling: a counselor's waiting list read off a partial index of the
requested appointments (counselor_id, starts_at) WHERE status = 'requested',
instead of every active appointment ahead

Revision ID: 7d3b9e1f4a2c
Revises: 5e8a2c4f6b1d
Create Date: 2026-12-03 15:25:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3b9e1f4a2c'
down_revision = '5e8a2c4f6b1d'
branch_labels = None
depends_on = None

REQUESTED = sa.text("status = 'requested'")


def upgrade():
    # IF NOT EXISTS: the bench sets got this index by hand (CREATE INDEX
    # CONCURRENTLY) before the migration landed.
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index('ix_appointments_counselor_requested', ['counselor_id', 'starts_at'], unique=False,
                              sqlite_where=REQUESTED, postgresql_where=REQUESTED, if_not_exists=True)


def downgrade():
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('ix_appointments_counselor_requested')
