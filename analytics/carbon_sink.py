"""Urban-forest carbon sink (园林碳汇): storage, sequestration, cooling, humidity, hydrology, dust (217–222).

Pure, vectorised functions over arrays of trees. Every coefficient lives in ``analytics/data/carbon_*.csv``
with its source beside it; nothing numeric is hard-coded here except physical units. The method:

* **Storage (217)** – above-ground biomass from the species' own equation when there is one
  (``carbon_allometry.csv``), else a general equation: with height M = 0.0673·(ρD²H)^0.976 (Chave 2014),
  without height M = 0.11·ρ·D^2.62 (Ketterings 2001). Total = AGB × (1 + 0.26 roots) × 0.8 for open-grown
  urban trees (street and park sites); carbon = total × 0.5 (0.41 for palms), capped at 7,500 kg per tree;
  CO₂ = C × 44/12.
* **Sequestration (218)** – the carbon gained between two measurements per year (never negative: a smaller
  second DBH is measurement noise, not a loss of stored carbon); with one measurement, the carbon gained by a
  year's modelled DBH growth = base growth by site × frost-free days / 153 × species growth class × condition.
* **Temperature and humidity (219, 220)** – leaf area = LAI × crown projection π(CW/2)², CW = a + b·D; water
  transpired = leaf area × rate × leaf-on days by leaf class; cooling energy = water × latent heat
  (2.45 MJ/kg); the air-conditioning electricity that would remove the same heat = energy / 3.6 / COP.
* **Hydrology (221)** – per month, interception = min(rain days × 0.2 mm × leaf area, rainfall on the crown);
  avoided runoff = interception × the runoff coefficient of the surface under the tree.
* **Dust (222)** – removal = deposition velocity × concentration × leaf area × leaf-on time × (1 − resuspension)
  × a leaf-surface factor by species class.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).with_name("data")
DEFAULT_SPECIES = "其他"
SITES = ("street", "park", "forest")
SITE_LABELS = {"street": "行道树", "park": "公园绿地", "forest": "片林"}
CONDITIONS = ("良好", "一般", "较差", "濒死")
OPEN_GROWN_SITES = ("street", "park")
SECONDS_PER_DAY = 86_400.0
MJ_PER_KWH = 3.6


@dataclass(frozen=True)
class Coefficients:
    """Every coefficient table, as read from ``analytics/data`` (see each file's ``source`` column)."""

    species: pd.DataFrame  # indexed by species name
    allometry: pd.DataFrame  # species or "*", form, a, b, needs_height
    params: dict[str, float]
    rainfall: pd.DataFrame  # month, rainfall_mm, rain_days
    deposition: pd.DataFrame  # indexed by pollutant
    dust_factor: dict[str, float]

    def p(self, name: str) -> float:
        """One scalar parameter by name (KeyError names the missing one)."""
        return self.params[name]


@functools.lru_cache(maxsize=1)
def coefficients() -> Coefficients:
    """The coefficient tables shipped with the project (read once per process, on first use)."""
    params = pd.read_csv(DATA / "carbon_parameters.csv")
    dust = pd.read_csv(DATA / "carbon_dust_classes.csv")
    return Coefficients(
        species=pd.read_csv(DATA / "carbon_species.csv").set_index("species"),
        allometry=pd.read_csv(DATA / "carbon_allometry.csv"),
        params=dict(zip(params["name"], params["value"].astype(float))),
        rainfall=pd.read_csv(DATA / "carbon_rainfall_normals.csv"),
        deposition=pd.read_csv(DATA / "carbon_deposition.csv").set_index("pollutant"),
        dust_factor=dict(zip(dust["dust_class"], dust["factor"].astype(float))),
    )


def _traits(species, coef: Coefficients) -> pd.DataFrame:
    """The species table row of every tree (unknown species get the ``其他`` defaults)."""
    names = pd.Series(np.asarray(species, dtype=object))
    known = names.where(names.isin(coef.species.index), DEFAULT_SPECIES)
    return coef.species.loc[known.to_numpy()].reset_index(drop=True)


def _param_of(values, template: str, coef: Coefficients, default: float | None = None) -> np.ndarray:
    """The parameter named ``template.format(value)`` for every value (looked up once per distinct value)."""
    keys = pd.Series(np.asarray(values, dtype=object).ravel())
    table = {u: (coef.p(template.format(u)) if default is None else coef.params.get(template.format(u), default))
             for u in pd.unique(keys)}
    return keys.map(table).to_numpy(dtype="float64")


def _arr(values, n: int | None = None) -> np.ndarray:
    out = np.asarray(values, dtype="float64")
    return np.broadcast_to(out, (n,)).copy() if n is not None and out.ndim == 0 else out


def aboveground_biomass_kg(species, dbh_cm, height_m=None, *, coef: Coefficients | None = None) -> np.ndarray:
    """Above-ground dry biomass (kg) per tree from DBH (cm) and, where measured (not NaN), height (m).

    A species' own equation wins; otherwise Chave 2014 when height is known, Ketterings 2001 when not.
    Species equations that need height fall back to the general equations when height is missing.
    """
    coef = coef or coefficients()
    d = _arr(dbh_cm)
    n = d.size
    h = np.full(n, np.nan) if height_m is None else _arr(height_m, n).astype("float64")
    rho = _traits(species, coef)["wood_density"].to_numpy(dtype="float64")
    general = coef.allometry[coef.allometry["species"] == "*"].set_index("form")
    no_h = general.loc["density_power"]
    with_h = general.loc["chave2014"]
    has_h = np.isfinite(h) & (h > 0)
    out = np.where(has_h, with_h.a * np.power(rho * d ** 2 * np.where(has_h, h, 1.0), with_h.b),
                   no_h.a * rho * np.power(d, no_h.b))
    names = np.asarray(species, dtype=object)
    for row in coef.allometry[coef.allometry["species"] != "*"].itertuples():
        hit = names == row.species
        if row.needs_height:
            hit &= has_h
        if hit.any():
            out[hit] = _species_equation(row.form, row.a, row.b, d[hit], h[hit])
    return out


def _species_equation(form: str, a: float, b: float, d: np.ndarray, h: np.ndarray) -> np.ndarray:
    """The equation forms a species row may use (kg; D in cm, H in m)."""
    if form == "power_d":
        return a * np.power(d, b)
    if form == "power_d2h":
        return a * np.power(d ** 2 * h, b)
    if form == "palm_height":
        return a + b * h
    raise ValueError(f"unknown allometry form {form!r}")


def carbon_kg(species, dbh_cm, height_m=None, site="street", *, coef: Coefficients | None = None) -> np.ndarray:
    """Stored carbon (kg C) per tree: AGB × (1 + root ratio) × open-grown factor × carbon fraction, capped."""
    coef = coef or coefficients()
    agb = aboveground_biomass_kg(species, dbh_cm, height_m, coef=coef)
    n = agb.size
    sites = np.broadcast_to(np.asarray(site, dtype=object), (n,))
    open_grown = np.isin(sites, OPEN_GROWN_SITES)
    total = agb * (1.0 + coef.p("root_shoot_ratio")) * np.where(open_grown, coef.p("open_grown_factor"), 1.0)
    palm = _traits(species, coef)["palm"].to_numpy(dtype=bool)
    fraction = np.where(palm, coef.p("carbon_fraction_palm"), coef.p("carbon_fraction"))
    return np.minimum(total * fraction, coef.p("carbon_cap_kg"))


def co2_from_carbon(carbon) -> np.ndarray | float:
    """CO₂ equivalent of a carbon mass (same unit): × 44/12."""
    return np.asarray(carbon, dtype="float64") * 44.0 / 12.0 if np.ndim(carbon) else float(carbon) * 44.0 / 12.0


def carbon_value_yuan(co2_tonnes, price_yuan_per_t: float | None = None) -> np.ndarray | float:
    """Value of CO₂ (t) at a carbon price (yuan/t; the parameter file's default when None)."""
    price = coefficients().p("carbon_price_yuan_per_t") if price_yuan_per_t is None else float(price_yuan_per_t)
    return np.asarray(co2_tonnes, dtype="float64") * price if np.ndim(co2_tonnes) else float(co2_tonnes) * price


def modelled_growth_cm(species, site, condition, *, coef: Coefficients | None = None) -> np.ndarray:
    """A year's DBH growth (cm): base growth by site × frost-free days / 153 × growth class × condition."""
    coef = coef or coefficients()
    traits = _traits(species, coef)
    n = len(traits)
    sites = np.broadcast_to(np.asarray(site, dtype=object), (n,))
    conds = np.broadcast_to(np.asarray(condition, dtype=object), (n,))
    base = _param_of(sites, "growth_{}_cm", coef)
    season = coef.p("frost_free_days") / coef.p("frost_free_reference_days")
    klass = _param_of(traits["growth_class"], "growth_class_{}", coef)
    health = _param_of(conds, "condition_{}", coef, default=1.0)
    return base * season * klass * health


def annual_sequestration_kg(species, site, condition, dbh_cm, height_m=None, *, previous_dbh_cm=None,
                            previous_height_m=None, years=None, coef: Coefficients | None = None
                            ) -> tuple[np.ndarray, np.ndarray]:
    """(kg C sequestered a year, measured?) per tree.

    Where ``previous_dbh_cm`` is known and ``years`` > 0, the measured gain ΔC / years (floored at 0);
    elsewhere the gain of one year of modelled DBH growth from the current measurement (height held).
    """
    coef = coef or coefficients()
    d = _arr(dbh_cm)
    n = d.size
    h = np.full(n, np.nan) if height_m is None else _arr(height_m, n)
    now = carbon_kg(species, d, h, site, coef=coef)
    grown = carbon_kg(species, d + modelled_growth_cm(species, site, condition, coef=coef), h, site, coef=coef)
    modelled = np.maximum(grown - now, 0.0)
    if previous_dbh_cm is None or years is None:
        return modelled, np.zeros(n, dtype=bool)
    prev_d = _arr(previous_dbh_cm, n)
    yrs = _arr(years, n)
    prev_h = np.full(n, np.nan) if previous_height_m is None else _arr(previous_height_m, n)
    measured = np.isfinite(prev_d) & np.isfinite(yrs) & (yrs > 0)
    # Heights are compared like with like: when either round lacks one, both rounds use the DBH-only form.
    both_h = np.isfinite(prev_h) & np.isfinite(h)
    before = carbon_kg(species, np.where(measured, prev_d, d), np.where(both_h, prev_h, np.nan), site, coef=coef)
    after = carbon_kg(species, d, np.where(both_h, h, np.nan), site, coef=coef)
    gain = np.maximum(after - before, 0.0) / np.where(measured, yrs, 1.0)
    return np.where(measured, gain, modelled), measured


def crown_and_leaf_area(species, dbh_cm, *, coef: Coefficients | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(crown projection area m², one-sided leaf area m²) per tree: CW = a + b·D, area = π CW²/4, LA = LAI × area."""
    coef = coef or coefficients()
    t = _traits(species, coef)
    width = t["crown_a"].to_numpy(dtype="float64") + t["crown_b"].to_numpy(dtype="float64") * _arr(dbh_cm)
    crown = np.pi * width ** 2 / 4.0
    return crown, crown * t["lai"].to_numpy(dtype="float64")


def leaf_class_of(species, *, coef: Coefficients | None = None) -> np.ndarray:
    """The leaf class (deciduous, evergreen, conifer, palm) of every tree's species."""
    coef = coef or coefficients()
    return _traits(species, coef)["leaf_class"].to_numpy(dtype=object)


def transpiration_t(species, leaf_area_m2, *, coef: Coefficients | None = None) -> np.ndarray:
    """Water transpired in a year (tonnes): leaf area × rate × leaf-on days of the species' leaf class."""
    coef = coef or coefficients()
    classes = leaf_class_of(species, coef=coef)
    rate = _param_of(classes, "transpiration_{}", coef)
    days = _param_of(classes, "leaf_days_{}", coef)
    return _arr(leaf_area_m2) * rate * days / 1000.0


def cooling(transpired_t, *, cop: float | None = None, coef: Coefficients | None = None) -> dict[str, np.ndarray]:
    """Latent heat taken from the air by transpiration: energy (MJ, kWh of heat) and the AC electricity (kWh)
    that would remove the same heat at the given coefficient of performance."""
    coef = coef or coefficients()
    energy_mj = _arr(transpired_t) * 1000.0 * coef.p("latent_heat_mj_per_kg")
    heat_kwh = energy_mj / MJ_PER_KWH
    return {"energy_mj": energy_mj, "heat_kwh": heat_kwh,
            "ac_kwh": heat_kwh / (coef.p("ac_cop") if cop is None else float(cop))}


def humidifier_kwh(transpired_t, *, coef: Coefficients | None = None) -> np.ndarray:
    """Electricity an ideal (100 % efficient) evaporative humidifier would use to add the same moisture."""
    coef = coef or coefficients()
    return _arr(transpired_t) * 1000.0 * coef.p("latent_heat_mj_per_kg") / MJ_PER_KWH


def interception_monthly_m3(leaf_area_m2: float, crown_area_m2: float, *,
                            coef: Coefficients | None = None) -> pd.DataFrame:
    """Rain intercepted per month (m³) by canopy with the given totals, over the monthly rainfall normals.

    Each rain day fills the leaf storage (0.2 mm over the leaf area), never more than the rain falling on the
    crown; the storage is taken to evaporate between rain days.
    """
    coef = coef or coefficients()
    rf = coef.rainfall
    storage = rf["rain_days"].to_numpy(dtype="float64") * coef.p("leaf_storage_mm") / 1000.0 * float(leaf_area_m2)
    on_crown = rf["rainfall_mm"].to_numpy(dtype="float64") / 1000.0 * float(crown_area_m2)
    return pd.DataFrame({"month": rf["month"].to_numpy(), "rainfall_mm": rf["rainfall_mm"].to_numpy(),
                         "rain_on_crown_m3": on_crown, "intercepted_m3": np.minimum(storage, on_crown)})


def annual_interception_m3(leaf_area_m2, crown_area_m2, *, coef: Coefficients | None = None) -> np.ndarray:
    """Rain intercepted in a year (m³) per tree or group: the monthly rule summed over the twelve normals."""
    coef = coef or coefficients()
    rf = coef.rainfall
    la = _arr(leaf_area_m2)[..., None]
    ca = _arr(crown_area_m2)[..., None]
    storage = rf["rain_days"].to_numpy(dtype="float64") * coef.p("leaf_storage_mm") / 1000.0 * la
    on_crown = rf["rainfall_mm"].to_numpy(dtype="float64") / 1000.0 * ca
    return np.minimum(storage, on_crown).sum(axis=-1)


def avoided_runoff_m3(intercepted_m3, site, *, coef: Coefficients | None = None) -> np.ndarray:
    """Runoff avoided (m³): intercepted water × the runoff coefficient of the surface under the tree's site."""
    coef = coef or coefficients()
    v = _arr(intercepted_m3)
    sites = np.broadcast_to(np.asarray(site, dtype=object), v.shape)
    return v * _param_of(sites, "runoff_coefficient_{}", coef).reshape(v.shape)


def pm_removal_kg(species, leaf_area_m2, *, pollutant: str, concentration_ug_m3: float | None = None,
                  coef: Coefficients | None = None) -> np.ndarray:
    """Particles retained in a year (kg): Vd × C × leaf area × leaf-on seconds × (1 − resuspension) × leaf factor."""
    coef = coef or coefficients()
    dep = coef.deposition.loc[pollutant]
    conc = dep.concentration_ug_m3 if concentration_ug_m3 is None else float(concentration_ug_m3)
    t = _traits(species, coef)
    days = _param_of(t["leaf_class"], "leaf_days_{}", coef)
    factor = t["dust_class"].map(coef.dust_factor).to_numpy(dtype="float64")
    grams = (dep.deposition_velocity_m_s * conc * 1e-6 * _arr(leaf_area_m2) * days * SECONDS_PER_DAY
             * (1.0 - dep.resuspension) * factor)
    return grams / 1000.0


def services(frame: pd.DataFrame, *, coef: Coefficients | None = None) -> pd.DataFrame:
    """The regulating services of groups of trees from their summed leaf and crown areas.

    ``frame`` has ``species``, ``site``, ``leaf_area_m2`` and ``crown_area_m2`` (sums over the group's trees);
    every service is linear in leaf area per species and site except the crown cap on interception, which
    binds only for canopies with rainfall per rain day under 0.2 mm × LAI (none in Shanghai's normals).
    """
    coef = coef or coefficients()
    out = frame.copy()
    sp, la = out["species"].to_numpy(dtype=object), out["leaf_area_m2"].to_numpy(dtype="float64")
    out["transpiration_t"] = transpiration_t(sp, la, coef=coef)
    cool = cooling(out["transpiration_t"].to_numpy(), coef=coef)
    out["cooling_mj"], out["ac_kwh"] = cool["energy_mj"], cool["ac_kwh"]
    out["humidifier_kwh"] = humidifier_kwh(out["transpiration_t"].to_numpy(), coef=coef)
    out["interception_m3"] = annual_interception_m3(la, out["crown_area_m2"].to_numpy(dtype="float64"), coef=coef)
    out["runoff_avoided_m3"] = avoided_runoff_m3(out["interception_m3"].to_numpy(), out["site"].to_numpy(dtype=object),
                                                 coef=coef)
    out["pm25_kg"] = pm_removal_kg(sp, la, pollutant="PM2.5", coef=coef)
    out["pm10_kg"] = pm_removal_kg(sp, la, pollutant="PM10", coef=coef)
    return out
