"""integration outbox (case library, national forestry administration, One-Netcom, SMS) and document counters

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('integration_outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('dead', sa.Boolean(), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integration_outbox')),
    sa.UniqueConstraint('key', name=op.f('uq_integration_outbox_key'))
    )
    op.create_index('ix_integration_outbox_due', 'integration_outbox', ['delivered_at', 'dead', 'next_attempt_at'],
                    unique=False)
    op.create_table('doc_counter',
    sa.Column('prefix', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', 'year', name=op.f('pk_doc_counter'))
    )


def downgrade() -> None:
    op.drop_table('doc_counter')
    op.drop_index('ix_integration_outbox_due', table_name='integration_outbox')
    op.drop_table('integration_outbox')
