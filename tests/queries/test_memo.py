"""Memoised board callbacks: one computation per (inputs, viewer, data versions); the refresh tick and
clicks are not part of the key; an import, a different viewer or new inputs compute afresh; results
holding no_update are never stored; a transaction's touched datasets are bumped at commit only."""
from __future__ import annotations

from types import SimpleNamespace

import plotly.graph_objects as go
import pytest
from dash import no_update

from db import db
from db.meta import bump_version, touch
from queries import data_version, data_versions
from queries import memo as memo_mod
from queries.memo import memo_callback
from security import context

CITY_LEADER = SimpleNamespace(district_code=None, access=SimpleNamespace(roles=("leader",)))
XUHUI_OFFICER = SimpleNamespace(district_code="310104", access=SimpleNamespace(roles=("leader",)))
ANALYST = SimpleNamespace(district_code=None, access=SimpleNamespace(roles=("analyst",)))


@pytest.fixture()
def ctx(app, monkeypatch):
    """An app context with a settable viewer."""
    viewer = {"user": CITY_LEADER}
    monkeypatch.setattr(memo_mod, "viewer", lambda: (viewer["user"].district_code, viewer["user"].access.roles))
    with app.server.app_context():
        yield viewer


def _counting(name: str, result=None):
    calls = []

    def fn(period, district, _tick):
        calls.append((period, district))
        if result is not None:
            return result
        fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
        return fig, f"{period}:{district}:{len(calls)}"

    fn.__qualname__ = name
    return calls, fn


def test_same_inputs_compute_once_and_the_tick_is_not_in_the_key(ctx):
    calls, fn = _counting("t_once")
    cached = memo_callback("reference")(fn)
    first = cached("12m", None, 0)
    assert cached("12m", None, 1) == first and cached("12m", None, 57) == first
    assert calls == [("12m", None)]
    fig, text = first
    assert text == "12m:None:1"
    assert fig["data"][0]["type"] == "bar" and fig["data"][0]["y"] == [1, 2]  # the figure, as plain JSON
    assert cached("3m", None, 1)[1] == "3m:None:2"  # other inputs: computed
    assert len(calls) == 2


def test_new_data_version_computes_afresh(ctx):
    calls, fn = _counting("t_version")
    cached = memo_callback("memo_test_ds")(fn)
    cached("12m", None, 0)
    cached("12m", None, 0)
    with db.engine.begin() as conn:
        bump_version(conn, "memo_test_ds")
    assert cached("12m", None, 0)[1] == "12m:None:2"
    assert len(calls) == 2


def test_viewers_with_other_scope_or_roles_never_share_a_result(ctx):
    calls, fn = _counting("t_viewer")
    cached = memo_callback("reference")(fn)
    city = cached("12m", None, 0)
    ctx["user"] = XUHUI_OFFICER
    xuhui = cached("12m", None, 0)
    ctx["user"] = ANALYST
    analyst = cached("12m", None, 0)
    assert len(calls) == 3 and len({city[1], xuhui[1], analyst[1]}) == 3
    ctx["user"] = XUHUI_OFFICER
    assert cached("12m", None, 5) == xuhui and len(calls) == 3


def test_namespaces_keep_factory_callbacks_apart(ctx):
    calls_a, fn_a = _counting("factory.<locals>.refresh", result=["A"])
    calls_b, fn_b = _counting("factory.<locals>.refresh", result=["B"])
    a = memo_callback("reference", namespace="page-a-")(fn_a)
    b = memo_callback("reference", namespace="page-b-")(fn_b)
    assert a("12m", None, 0) == ["A"] and b("12m", None, 0) == ["B"]


def test_results_with_no_update_are_not_stored(ctx):
    calls, fn = _counting("t_noupdate", result=(no_update, "x"))
    cached = memo_callback("reference")(fn)
    assert cached("12m", None, 0)[0] is no_update
    cached("12m", None, 0)
    assert len(calls) == 2


def test_viewer_key_distinguishes_scope_roles_and_share_links(monkeypatch):
    monkeypatch.setattr(context, "current_user", CITY_LEADER)
    city = context.viewer()
    monkeypatch.setattr(context, "current_user", XUHUI_OFFICER)
    xuhui = context.viewer()
    monkeypatch.setattr(context, "current_user", SimpleNamespace(view="hotline12319", scope={"lines": ["绿化林业"]}))
    share_a = context.viewer()
    monkeypatch.setattr(context, "current_user", SimpleNamespace(view="hotline12319", scope={"lines": ["市容环卫"]}))
    share_b = context.viewer()
    assert len({repr(k) for k in (city, xuhui, share_a, share_b)}) == 4


def test_touched_datasets_are_bumped_at_commit_and_forgotten_on_rollback(app):
    with app.server.app_context():
        before = data_version("memo_touch_ds")
        with db.session() as s:
            touch(s, "memo_touch_ds")
            touch(s, "memo_touch_ds")  # once per transaction, however often touched
            assert data_version("memo_touch_ds") == before  # not before the commit
        assert data_version("memo_touch_ds") == before + 1
        with pytest.raises(RuntimeError):
            with db.session() as s:
                touch(s, "memo_touch_ds")
                raise RuntimeError("abandon")
        with db.session() as s:
            pass
        assert data_versions("memo_touch_ds", "no_such_dataset") == (before + 1, 0)


def test_board_callback_is_served_from_the_cache_over_http(client_as, app):
    """The 12319 charts callback: the second call returns the same figures without running the body."""
    from pages.cockpit import h12319_distribution as page

    c = client_as("leader")
    body = {"output": "..h12319-dist-by-line.figure...h12319-dist-by-category.figure...h12319-dist-trend.figure..",
            "outputs": [{"id": f"h12319-dist-{k}", "property": "figure"} for k in ("by-line", "by-category", "trend")],
            "inputs": [{"id": "h12319-dist-period", "property": "value", "value": "36m"},
                       {"id": "h12319-dist-lines", "property": "value", "value": []},
                       {"id": "h12319-dist-district", "property": "data", "value": None},
                       {"id": "h12319-dist-refresh", "property": "n_intervals", "value": 0}],
            "state": [], "changedPropIds": ["h12319-dist-period.value"]}
    first = c.post("/_dash-update-component", json=body)
    assert first.status_code == 200
    calls = []
    original = page.charts.uncached
    page.charts.uncached = lambda *a: calls.append(a) or original(*a)
    try:
        body["inputs"][3]["value"] = 9  # the refresh tick
        second = c.post("/_dash-update-component", json=body)
    finally:
        page.charts.uncached = original
    assert second.get_json() == first.get_json() and calls == []
    bars = first.get_json()["response"]["h12319-dist-by-line"]["figure"]["data"][0]
    assert bars["type"] == "bar" and sum(bars["x"]) > 0
