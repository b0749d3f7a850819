"""Garden queries: the rollup-backed figures agree with the raw accessions and bonsai, filters narrow them, and
district scope hides the other district's garden."""
from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from db import db
from db.gardens import Accession, Bonsai
from queries import gardens as q


@pytest.fixture(scope="module")
def raw(app):
    return pd.read_sql(select(Accession), db.engine)


@pytest.mark.module(223)
def test_collection_summary_matches_raw_rows(app, raw):
    with app.server.app_context():
        s = q.collection_summary()
        assert s["accessions"] == len(raw) and s["plants"] == raw.quantity.sum()
        assert (s["families"], s["genera"], s["species"]) == (raw.family.nunique(), raw.genus.nunique(), raw.species.nunique())
        sbg = raw[(raw.garden_code == "SBG") & (raw.family == "Rosaceae")]
        assert q.collection_summary("SBG", "Rosaceae")["accessions"] == len(sbg)
        first = raw[raw.national_protection == "一级"]
        assert q.collection_summary(status="一级")["species"] == first.species.nunique()
        fam = q.by_family(n=3)
        assert fam.accessions.tolist() == raw.family.value_counts().head(3).tolist()
        assert q.cells().accessions.sum() == len(raw)


@pytest.mark.module(223)
def test_search_and_scope(app, raw):
    with app.server.app_context():
        hits = q.search("银杏")
        assert len(hits) and (hits.name_zh == "银杏").all()
        assert len(q.search("Metasequoia", limit=50_000)) == (raw.species == "Metasequoia glyptostroboides").sum()
        # a Xuhui user sees 上海植物园 only; a Huangpu user sees no garden at all
        assert q.allowed_gardens(scope="310104") == ["SBG"] and q.allowed_gardens("CSBG", scope="310104") == []
        assert q.collection_summary("CSBG", scope="310104")["accessions"] == 0
        assert q.collection_summary(scope="310104")["accessions"] == (raw.garden_code == "SBG").sum()
        assert q.search("", scope="310101").empty and q.gardens(scope="310101").empty


@pytest.mark.module(224)
def test_bonsai_counts_match_raw(app):
    raw = pd.read_sql(select(Bonsai), db.engine)
    with app.server.app_context():
        s = q.bonsai_summary()
        assert s["count"] == len(raw) and s["mean_age"] == pytest.approx(raw.age_years.mean())
        assert s["centenarian"] == (raw.age_years >= 100).sum()
        by_kind = q.bonsai_by("kind")
        assert dict(zip(by_kind.kind, by_kind["count"])) == raw.kind.value_counts().to_dict()
        assert q.bonsai_by("age_band")["count"].sum() == len(raw)
        assert q.bonsai_distribution(scope="310104")["count"].sum() == (raw.garden_code == "SBG").sum()


@pytest.mark.module(225)
def test_specialty_areas_and_detail(app, raw):
    with app.server.app_context():
        spec = q.areas(kind="专类园")
        assert len(spec) >= 20 and (spec.kind == "专类园").all()
        one = spec.sort_values("accessions").iloc[-1]
        assert one.accessions == (raw.area_id == one.id).sum()
        detail = q.area_detail(int(one.id))
        assert detail["name"] == one["name"] and len(detail["top_taxa"]) == 5
        csbg = spec[spec.garden_code == "CSBG"].iloc[0]
        assert q.area_detail(int(csbg.id), scope="310104") is None
        assert len(q.area_features(kind="专类园", scope="310117")) == (spec.garden_code == "CSBG").sum()


@pytest.mark.module(223)
def test_filters_in_sql_match_raw_rows(app, raw):
    """Every filter is applied in SQL: the figures equal pandas on the raw accessions for the same filter."""
    with app.server.app_context():
        threatened = raw[raw.iucn.isin(["CR", "EN", "VU"])]
        s = q.collection_summary(status="threatened")
        assert (s["accessions"], s["species"], s["threatened"]) == (len(threatened), threatened.species.nunique(),
                                                                    threatened.species.nunique())
        assert q.collection_summary()["protected"] == raw[raw.national_protection != "无"].species.nunique()
        part = raw[(raw.garden_code == "CSBG") & (raw.national_protection == "二级")]
        assert q.cells("CSBG", status="二级").accessions.sum() == len(part)
        assert q.collection_summary("CSBG", status="二级")["plants"] == part.quantity.sum()
        st = q.by_status(family="Pinaceae").set_index("iucn")
        pin = raw[raw.family == "Pinaceae"]
        assert st.species.to_dict() == {c: pin[pin.iucn == c].species.nunique() for c in st.index}
        assert list(st.index) == ["CR", "EN", "VU", "NT", "LC", "DD", "NE"]
        fam = q.by_family("SBG", "一级", n=2)
        sbg1 = raw[(raw.garden_code == "SBG") & (raw.national_protection == "一级")]
        assert fam.accessions.tolist() == sbg1.family.value_counts().head(2).tolist()
        areas = q.areas().set_index("id")
        assert areas.species.to_dict() == {i: raw[raw.area_id == i].species.nunique() for i in areas.index}
        # the empty choice of a dropdown ("") means no filter, as None does
        assert q.collection_summary("", "", "") == q.collection_summary()


@pytest.mark.module(224)
def test_bonsai_age_bands_and_filters_known_answer(app):
    """Age bands by the rule 0–19, 20–49, 50–99, ≥100 (lower bound inclusive), counted from the raw bonsai."""
    raw = pd.read_sql(select(Bonsai), db.engine)
    bands = pd.cut(raw.age_years, [0, 20, 50, 100, 100_000], right=False,
                   labels=["20年以下", "20–49年", "50–99年", "百年以上"])
    with app.server.app_context():
        by_age = q.bonsai_by("age_band")
        assert by_age.age_band.tolist() == ["20年以下", "20–49年", "50–99年", "百年以上"]
        assert by_age["count"].tolist() == bands.value_counts().reindex(by_age.age_band).tolist()
        sel = raw[(raw.garden_code == "SBG") & (raw.kind == "树桩盆景")]
        by_style = q.bonsai_by("style", "SBG", "树桩盆景")
        assert dict(zip(by_style["style"], by_style["count"])) == sel["style"].value_counts().to_dict()
        s = q.bonsai_summary("SBG", "树桩盆景")
        assert s["mean_age"] == pytest.approx(sel.age_years.mean()) and s["kinds"] == 1
        assert q.bonsai_list("SBG", "树桩盆景", limit=5).age_years.tolist() == sorted(sel.age_years, reverse=True)[:5]
        with pytest.raises(ValueError):
            q.bonsai_by("garden_code; drop table garden_bonsai")
