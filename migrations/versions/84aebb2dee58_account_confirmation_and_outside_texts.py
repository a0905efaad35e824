"""Account confirmation (registration answers the same for a known number),
neutral texts outside the platform with a member's full-text choice, and
messages a person asked for (a reset link) that ignore their preferences.

Revision ID: 84aebb2dee58
Revises: 5f4731189934
Create Date: 2026-12-01 19:46:47.424611

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '84aebb2dee58'
down_revision = '5f4731189934'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification_preferences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('full_text', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outside_text', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('requested', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(), nullable=True))
    # Every account that exists already was usable: it stays so.
    op.execute("UPDATE users SET confirmed_at = created_at")



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('requested')
        batch_op.drop_column('outside_text')

    with op.batch_alter_table('notification_preferences', schema=None) as batch_op:
        batch_op.drop_column('full_text')

