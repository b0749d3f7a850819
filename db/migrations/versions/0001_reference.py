"""reference data and bookkeeping

Revision ID: 0001
Revises: 
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('data_build',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scale', sa.String(length=16), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('row_counts', sa.String(length=4000), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_build'))
    )
    op.create_table('data_version',
    sa.Column('dataset', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('dataset', name=op.f('pk_data_version'))
    )
    op.create_table('district',
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('area_km2', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('boundary', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_district')),
    sa.UniqueConstraint('name', name=op.f('uq_district_name'))
    )
    op.create_table('street',
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('boundary', sa.Text(), nullable=True),
    sa.Column('boundary_approximate', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_street_district_code_district')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_street'))
    )
    with op.batch_alter_table('street', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_street_district_code'), ['district_code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('street', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_street_district_code'))

    op.drop_table('street')
    op.drop_table('district')
    op.drop_table('data_version')
    op.drop_table('data_build')
