"""cameras and video streams (module 33)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'camera',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('code', sa.String(length=24), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('district_code', sa.String(length=6), nullable=False),
        sa.Column('street_code', sa.String(length=9), nullable=True),
        sa.Column('lon', sa.Float(), nullable=False),
        sa.Column('lat', sa.Float(), nullable=False),
        sa.Column('stream_url', sa.String(length=255), nullable=False),
        sa.Column('status', sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_camera_district_code_district')),
        sa.ForeignKeyConstraint(['street_code'], ['street.code'], name=op.f('fk_camera_street_code_street')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_camera')),
        sa.UniqueConstraint('code', name=op.f('uq_camera_code')),
    )
    op.create_index('ix_camera_lon_lat', 'camera', ['lon', 'lat'], unique=False)
    op.create_index(op.f('ix_camera_district_code'), 'camera', ['district_code'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_camera_district_code'), table_name='camera')
    op.drop_index('ix_camera_lon_lat', table_name='camera')
    op.drop_table('camera')
