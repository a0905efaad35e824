"""KUR staff list: its two orders read off indexes (longest waiting first on
PostgreSQL, newest first everywhere) instead of sorting every application

Revision ID: 8d2e4f6a1b3c
Revises: 3f6b1c2d9a10
Create Date: 2026-12-02 05:15:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '8d2e4f6a1b3c'
down_revision = '3f6b1c2d9a10'
branch_labels = None
depends_on = None

ACTIVE_KUR = "stage IN ('preparing', 'submitted', 'survey', 'decision')"  # as in mentoring/kur/models.py


def upgrade():
    with op.batch_alter_table('kur_applications', schema=None) as batch_op:
        batch_op.create_index('ix_kur_applications_created', ['created_at', 'id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE INDEX ix_kur_applications_queue ON kur_applications "
                   f"((({ACTIVE_KUR})) DESC, stage_changed_at, id)")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX ix_kur_applications_queue")
    with op.batch_alter_table('kur_applications', schema=None) as batch_op:
        batch_op.drop_index('ix_kur_applications_created')
