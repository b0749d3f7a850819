"""urban-forest carbon sink board tables (modules 217-222)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('carbon_rollup_cell',
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('cell_x', sa.Integer(), nullable=False),
    sa.Column('cell_y', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('trees', sa.Integer(), nullable=False),
    sa.Column('carbon_kg', sa.Float(), nullable=False),
    sa.Column('lon_sum', sa.Float(), nullable=False),
    sa.Column('lat_sum', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('round_no', 'cell_x', 'cell_y', 'district_code', name=op.f('pk_carbon_rollup_cell'))
    )
    op.create_table('carbon_rollup_road',
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('road', sa.String(length=32), nullable=False),
    sa.Column('trees', sa.Integer(), nullable=False),
    sa.Column('dbh_sum', sa.Float(), nullable=False),
    sa.Column('carbon_kg', sa.Float(), nullable=False),
    sa.Column('seq_c_kg', sa.Float(), nullable=False),
    sa.Column('seq_measured', sa.Integer(), nullable=False),
    sa.Column('crown_area_m2', sa.Float(), nullable=False),
    sa.Column('leaf_area_m2', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('round_no', 'district_code', 'road', name=op.f('pk_carbon_rollup_road'))
    )
    op.create_table('carbon_rollup_street',
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('street_code', sa.String(length=9), nullable=False),
    sa.Column('species', sa.String(length=16), nullable=False),
    sa.Column('site', sa.String(length=8), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('trees', sa.Integer(), nullable=False),
    sa.Column('dbh_sum', sa.Float(), nullable=False),
    sa.Column('carbon_kg', sa.Float(), nullable=False),
    sa.Column('seq_c_kg', sa.Float(), nullable=False),
    sa.Column('seq_measured', sa.Integer(), nullable=False),
    sa.Column('crown_area_m2', sa.Float(), nullable=False),
    sa.Column('leaf_area_m2', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('round_no', 'street_code', 'species', 'site', name=op.f('pk_carbon_rollup_street'))
    )
    with op.batch_alter_table('carbon_rollup_street', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carbon_rollup_street_district_code'), ['district_code'], unique=False)

    op.create_table('carbon_round',
    sa.Column('round_no', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('surveyed_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('round_no', name=op.f('pk_carbon_round'))
    )
    op.create_table('carbon_tree',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('tree_code', sa.String(length=24), nullable=False),
    sa.Column('species', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('street_code', sa.String(length=9), nullable=True),
    sa.Column('road', sa.String(length=32), nullable=True),
    sa.Column('site', sa.String(length=8), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('cell_x', sa.Integer(), nullable=False),
    sa.Column('cell_y', sa.Integer(), nullable=False),
    sa.Column('planted_year', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_carbon_tree_district_code_district')),
    sa.ForeignKeyConstraint(['street_code'], ['street.code'], name=op.f('fk_carbon_tree_street_code_street')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carbon_tree')),
    sa.UniqueConstraint('tree_code', name=op.f('uq_carbon_tree_tree_code'))
    )
    with op.batch_alter_table('carbon_tree', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carbon_tree_district_code'), ['district_code'], unique=False)
        batch_op.create_index('ix_carbon_tree_district_road', ['district_code', 'road'], unique=False)
        batch_op.create_index(batch_op.f('ix_carbon_tree_street_code'), ['street_code'], unique=False)

    op.create_table('carbon_measurement',
    sa.Column('tree_id', sa.Integer(), nullable=False),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('dbh_cm', sa.Float(), nullable=False),
    sa.Column('height_m', sa.Float(), nullable=True),
    sa.Column('condition', sa.String(length=4), nullable=False),
    sa.Column('carbon_kg', sa.Float(), nullable=False),
    sa.Column('seq_c_kg', sa.Float(), nullable=False),
    sa.Column('seq_measured', sa.Boolean(), nullable=False),
    sa.Column('crown_area_m2', sa.Float(), nullable=False),
    sa.Column('leaf_area_m2', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['round_no'], ['carbon_round.round_no'], name=op.f('fk_carbon_measurement_round_no_carbon_round')),
    sa.ForeignKeyConstraint(['tree_id'], ['carbon_tree.id'], name=op.f('fk_carbon_measurement_tree_id_carbon_tree')),
    sa.PrimaryKeyConstraint('tree_id', 'round_no', name=op.f('pk_carbon_measurement'))
    )
    with op.batch_alter_table('carbon_measurement', schema=None) as batch_op:
        batch_op.create_index('ix_carbon_measurement_round', ['round_no'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('carbon_measurement', schema=None) as batch_op:
        batch_op.drop_index('ix_carbon_measurement_round')

    op.drop_table('carbon_measurement')
    with op.batch_alter_table('carbon_tree', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carbon_tree_street_code'))
        batch_op.drop_index('ix_carbon_tree_district_road')
        batch_op.drop_index(batch_op.f('ix_carbon_tree_district_code'))

    op.drop_table('carbon_tree')
    op.drop_table('carbon_round')
    with op.batch_alter_table('carbon_rollup_street', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carbon_rollup_street_district_code'))

    op.drop_table('carbon_rollup_street')
    op.drop_table('carbon_rollup_road')
    op.drop_table('carbon_rollup_cell')
