"""index on hotline12319_ticket.repeat_of (hot-ticket ranking counts repeats of a few tickets)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('hotline12319_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hotline12319_ticket_repeat_of'), ['repeat_of'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('hotline12319_ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hotline12319_ticket_repeat_of'))
