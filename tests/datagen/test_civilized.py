"""The civilized-units generator: sizes, a valid 40-indicator tree, every stage present, decisions made by
the real rules, demo accounts linked to their unit, association and department."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from analytics.civilized import IndicatorSpec, validate_tree
from datagen.domains.civilized import CURRENT_STATES, SIZES
from db import db
from db.civilized import (Application, Association, Cycle, Department, Indicator, IndicatorVersion, RegistryEntry,
                          RollupIndicator, Unit)


@pytest.mark.module(4, 17)
def test_generated_civilized_data(app):
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Unit).where(Unit.registered_by == "datagen")) == SIZES["demo"]
        assert s.scalar(select(func.count()).select_from(Cycle).where(Cycle.created_at.is_not(None))) >= 3
        first = s.scalar(select(IndicatorVersion).order_by(IndicatorVersion.id))
        inds = s.scalars(select(Indicator).where(Indicator.version_id == first.id)).all()
        assert len(inds) == 40
        assert validate_tree([IndicatorSpec(i.code, i.category, i.max_score, i.weight) for i in inds]) == []
        current = s.scalar(select(Cycle.id).where(Cycle.name == "2026—2028年度"))
        states = set(s.scalars(select(Application.state).where(Application.cycle_id == current)))
        assert len(states) >= len(CURRENT_STATES) - 3  # nearly every stage at demo scale
        assert s.scalar(select(func.count()).select_from(RegistryEntry).where(RegistryEntry.active.is_(False))) > 0
        assert s.scalar(select(Unit.id).where(Unit.account == "unit_user"))
        assert s.scalar(select(Association.id).where(Association.account == "association_reviewer"))
        assert s.scalar(select(Department.id).where(Department.account == "consult_department"))
        assert s.scalar(select(func.count()).select_from(RollupIndicator)) > 0
        ranks = s.execute(select(Application.final_score, Application.rank).where(
            Application.cycle_id == 1, Application.kind == "new", Application.rank.is_not(None))
            .order_by(Application.rank)).all()
        assert all(a[0] >= b[0] for a, b in zip(ranks, ranks[1:]))  # ranks follow the final scores
