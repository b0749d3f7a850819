"""carbon trees by position: the map's identify, raw points and drawn-area edges read trees by lon/lat

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_carbon_tree_lon_lat', 'carbon_tree', ['lon', 'lat'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_carbon_tree_lon_lat', table_name='carbon_tree')
