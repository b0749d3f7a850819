"""GIS editable layers, feature versions and change review (module 31)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'gis_feature',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('layer', sa.String(length=32), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('district_code', sa.String(length=6), nullable=False),
        sa.Column('street_code', sa.String(length=9), nullable=True),
        sa.Column('geom_type', sa.String(length=16), nullable=False),
        sa.Column('geometry', sa.Text(), nullable=True),
        sa.Column('lon', sa.Float(), nullable=False),
        sa.Column('lat', sa.Float(), nullable=False),
        sa.Column('properties', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.Column('updated_by', sa.String(length=64), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_gis_feature_district_code_district')),
        sa.ForeignKeyConstraint(['street_code'], ['street.code'], name=op.f('fk_gis_feature_street_code_street')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gis_feature')),
        sa.UniqueConstraint('layer', 'code', name='uq_gis_feature_layer_code'),
    )
    op.create_index('ix_gis_feature_layer_lon_lat', 'gis_feature', ['layer', 'lon', 'lat'], unique=False)
    op.create_index('ix_gis_feature_layer_district', 'gis_feature', ['layer', 'district_code'], unique=False)
    op.create_table(
        'gis_change',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('layer', sa.String(length=32), nullable=False),
        sa.Column('action', sa.String(length=8), nullable=False),
        sa.Column('feature_id', sa.Integer(), nullable=True),
        sa.Column('base_version', sa.Integer(), nullable=True),
        sa.Column('district_code', sa.String(length=6), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=True),
        sa.Column('geom_type', sa.String(length=16), nullable=True),
        sa.Column('geometry', sa.Text(), nullable=True),
        sa.Column('lon', sa.Float(), nullable=True),
        sa.Column('lat', sa.Float(), nullable=True),
        sa.Column('properties', sa.Text(), nullable=True),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('submitted_by', sa.String(length=64), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.Column('reviewed_by', sa.String(length=64), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(), nullable=True),
        sa.Column('comment', sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_gis_change_district_code_district')),
        sa.ForeignKeyConstraint(['feature_id'], ['gis_feature.id'], name=op.f('fk_gis_change_feature_id_gis_feature')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gis_change')),
    )
    op.create_index('ix_gis_change_status', 'gis_change', ['status', 'submitted_at'], unique=False)
    op.create_index(op.f('ix_gis_change_feature_id'), 'gis_change', ['feature_id'], unique=False)
    op.create_table(
        'gis_feature_version',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('feature_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('geom_type', sa.String(length=16), nullable=False),
        sa.Column('geometry', sa.Text(), nullable=True),
        sa.Column('lon', sa.Float(), nullable=False),
        sa.Column('lat', sa.Float(), nullable=False),
        sa.Column('properties', sa.Text(), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.Column('change_id', sa.Integer(), nullable=True),
        sa.Column('by', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['change_id'], ['gis_change.id'], name=op.f('fk_gis_feature_version_change_id_gis_change')),
        sa.ForeignKeyConstraint(['feature_id'], ['gis_feature.id'], name=op.f('fk_gis_feature_version_feature_id_gis_feature')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gis_feature_version')),
        sa.UniqueConstraint('feature_id', 'version', name='uq_gis_feature_version'),
    )
    op.create_index(op.f('ix_gis_feature_version_feature_id'), 'gis_feature_version', ['feature_id'], unique=False)
    op.create_table(
        'gis_point_grid',
        sa.Column('layer', sa.String(length=32), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('cx', sa.Integer(), nullable=False),
        sa.Column('cy', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('lon_sum', sa.Float(), nullable=False),
        sa.Column('lat_sum', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('layer', 'level', 'cx', 'cy', name=op.f('pk_gis_point_grid')),
    )


def downgrade() -> None:
    op.drop_table('gis_point_grid')
    op.drop_index(op.f('ix_gis_feature_version_feature_id'), table_name='gis_feature_version')
    op.drop_table('gis_feature_version')
    op.drop_index(op.f('ix_gis_change_feature_id'), table_name='gis_change')
    op.drop_index('ix_gis_change_status', table_name='gis_change')
    op.drop_table('gis_change')
    op.drop_index('ix_gis_feature_layer_district', table_name='gis_feature')
    op.drop_index('ix_gis_feature_layer_lon_lat', table_name='gis_feature')
    op.drop_table('gis_feature')
