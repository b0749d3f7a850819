"""renovation waste board tables (modules 236-241)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rw_rollup_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('trips', sa.Integer(), nullable=False),
    sa.Column('weighed', sa.Integer(), nullable=False),
    sa.Column('weight_t', sa.Float(), nullable=False),
    sa.Column('clearance_hours', sa.Float(), nullable=False),
    sa.Column('within_12h', sa.Integer(), nullable=False),
    sa.Column('within_24h', sa.Integer(), nullable=False),
    sa.Column('within_48h', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'district_code', name=op.f('pk_rw_rollup_day'))
    )
    op.create_table('rw_rollup_facility_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('facility_code', sa.String(length=16), nullable=False),
    sa.Column('trips', sa.Integer(), nullable=False),
    sa.Column('weight_t', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'facility_code', name=op.f('pk_rw_rollup_facility_day'))
    )
    op.create_table('rw_rollup_point',
    sa.Column('point_code', sa.String(length=20), nullable=False),
    sa.Column('trips', sa.Integer(), nullable=False),
    sa.Column('weight_t', sa.Float(), nullable=False),
    sa.Column('clearance_hours', sa.Float(), nullable=False),
    sa.Column('last_cleared_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('point_code', name=op.f('pk_rw_rollup_point'))
    )
    op.create_table('rw_rollup_violation',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('company_code', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('violations', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'district_code', 'company_code', 'kind', name=op.f('pk_rw_rollup_violation'))
    )
    op.create_table('rw_rollup_warning',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('raised', sa.Integer(), nullable=False),
    sa.Column('handled', sa.Integer(), nullable=False),
    sa.Column('handling_hours', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'district_code', 'kind', name=op.f('pk_rw_rollup_warning'))
    )
    op.create_table('rw_trip',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('trip_no', sa.String(length=24), nullable=False),
    sa.Column('point_code', sa.String(length=20), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('company_code', sa.String(length=16), nullable=False),
    sa.Column('vehicle_plate', sa.String(length=16), nullable=False),
    sa.Column('facility_code', sa.String(length=16), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('cleared_at', sa.DateTime(), nullable=False),
    sa.Column('arrived_at', sa.DateTime(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('weight_t', sa.Float(), nullable=True),
    sa.Column('fill_ratio', sa.Float(), nullable=True),
    sa.Column('deviation_km', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rw_trip')),
    sa.UniqueConstraint('trip_no', name=op.f('uq_rw_trip_trip_no'))
    )
    op.create_index('ix_rw_trip_day_district', 'rw_trip', ['day', 'district_code'], unique=False)
    op.create_index(op.f('ix_rw_trip_point_code'), 'rw_trip', ['point_code'], unique=False)
    op.create_table('rw_violation',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('trip_no', sa.String(length=24), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('company_code', sa.String(length=16), nullable=False),
    sa.Column('vehicle_plate', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rw_violation'))
    )
    op.create_index('ix_rw_violation_month_district', 'rw_violation', ['month', 'district_code', 'kind'], unique=False)
    op.create_index(op.f('ix_rw_violation_vehicle_plate'), 'rw_violation', ['vehicle_plate'], unique=False)
    op.create_table('rw_warning',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('level', sa.String(length=4), nullable=False),
    sa.Column('point_code', sa.String(length=20), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('trip_no', sa.String(length=24), nullable=True),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('detail', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rw_warning'))
    )
    op.create_index('ix_rw_warning_month_district', 'rw_warning', ['month', 'district_code', 'kind'], unique=False)
    op.create_index(op.f('ix_rw_warning_point_code'), 'rw_warning', ['point_code'], unique=False)
    op.create_table('rw_company',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('licence_no', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_rw_company_district_code_district')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_rw_company'))
    )
    op.create_index(op.f('ix_rw_company_district_code'), 'rw_company', ['district_code'], unique=False)
    op.create_table('rw_facility',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('capacity_t_per_day', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_rw_facility_district_code_district')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_rw_facility'))
    )
    op.create_index(op.f('ix_rw_facility_district_code'), 'rw_facility', ['district_code'], unique=False)
    op.create_table('rw_collection_point',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('street_code', sa.String(length=9), nullable=False),
    sa.Column('address', sa.String(length=128), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('capacity_t', sa.Float(), nullable=False),
    sa.Column('company_code', sa.String(length=16), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['company_code'], ['rw_company.code'], name=op.f('fk_rw_collection_point_company_code_rw_company')),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_rw_collection_point_district_code_district')),
    sa.ForeignKeyConstraint(['street_code'], ['street.code'], name=op.f('fk_rw_collection_point_street_code_street')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_rw_collection_point'))
    )
    op.create_index(op.f('ix_rw_collection_point_district_code'), 'rw_collection_point', ['district_code'], unique=False)
    op.create_index(op.f('ix_rw_collection_point_street_code'), 'rw_collection_point', ['street_code'], unique=False)
    op.create_table('rw_vehicle',
    sa.Column('plate', sa.String(length=16), nullable=False),
    sa.Column('company_code', sa.String(length=16), nullable=False),
    sa.Column('capacity_t', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['company_code'], ['rw_company.code'], name=op.f('fk_rw_vehicle_company_code_rw_company')),
    sa.PrimaryKeyConstraint('plate', name=op.f('pk_rw_vehicle'))
    )
    op.create_index(op.f('ix_rw_vehicle_company_code'), 'rw_vehicle', ['company_code'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_rw_vehicle_company_code'), table_name='rw_vehicle')
    op.drop_table('rw_vehicle')
    op.drop_index(op.f('ix_rw_collection_point_street_code'), table_name='rw_collection_point')
    op.drop_index(op.f('ix_rw_collection_point_district_code'), table_name='rw_collection_point')
    op.drop_table('rw_collection_point')
    op.drop_index(op.f('ix_rw_facility_district_code'), table_name='rw_facility')
    op.drop_table('rw_facility')
    op.drop_index(op.f('ix_rw_company_district_code'), table_name='rw_company')
    op.drop_table('rw_company')
    op.drop_index(op.f('ix_rw_warning_point_code'), table_name='rw_warning')
    op.drop_index('ix_rw_warning_month_district', table_name='rw_warning')
    op.drop_table('rw_warning')
    op.drop_index(op.f('ix_rw_violation_vehicle_plate'), table_name='rw_violation')
    op.drop_index('ix_rw_violation_month_district', table_name='rw_violation')
    op.drop_table('rw_violation')
    op.drop_index(op.f('ix_rw_trip_point_code'), table_name='rw_trip')
    op.drop_index('ix_rw_trip_day_district', table_name='rw_trip')
    op.drop_table('rw_trip')
    op.drop_table('rw_rollup_warning')
    op.drop_table('rw_rollup_violation')
    op.drop_table('rw_rollup_point')
    op.drop_table('rw_rollup_facility_day')
    op.drop_table('rw_rollup_day')
