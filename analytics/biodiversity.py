"""Diversity indices of species-abundance vectors (module 230).

Definitions (Magurran, *Measuring Biological Diversity*, 2004, ch. 4–5; Chao 1984 / Chao 2005):

* richness S — species with at least one individual;
* Shannon H′ = −Σ pᵢ ln pᵢ (natural log) — ``scipy.stats.entropy`` of the counts;
* Simpson 1 − Σpᵢ² (Gini–Simpson, the probability that two individuals drawn with replacement differ) and
  its inverse 1 / Σpᵢ² (Hill number of order 2);
* Pielou J = H′ / ln S (undefined for S ≤ 1);
* Chao1, bias-corrected form: S_obs + F₁(F₁ − 1) / (2(F₂ + 1)), with F₁ singletons and F₂ doubletons
  (Chao 2005, Encyclopedia of Statistical Sciences; the form EstimateS and scikit-bio use by default). It is
  finite when F₂ = 0, unlike the classic S_obs + F₁² / (2F₂).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import entropy

INDEX_COLUMNS = ["richness", "individuals", "shannon", "simpson", "inverse_simpson", "pielou", "chao1"]


def indices(counts) -> dict[str, float]:
    """Every index of one abundance vector (zeros are ignored; an empty vector gives NaN indices)."""
    n = np.asarray(counts, dtype=float)
    n = n[n > 0]
    s = int(n.size)
    total = float(n.sum())
    if s == 0:
        return {"richness": 0, "individuals": 0.0, "shannon": np.nan, "simpson": np.nan,
                "inverse_simpson": np.nan, "pielou": np.nan, "chao1": 0.0}
    p = n / total
    sum_p2 = float(np.square(p).sum())
    h = float(entropy(n))  # normalises the counts itself; natural log
    return {"richness": s, "individuals": total, "shannon": h, "simpson": 1.0 - sum_p2,
            "inverse_simpson": 1.0 / sum_p2, "pielou": h / np.log(s) if s > 1 else np.nan, "chao1": chao1(n)}


def chao1(counts) -> float:
    """Bias-corrected Chao1 richness estimate from integer abundances."""
    n = np.asarray(counts)
    n = n[n > 0]
    f1 = int(np.count_nonzero(n == 1))
    f2 = int(np.count_nonzero(n == 2))
    return float(n.size + f1 * (f1 - 1) / (2.0 * (f2 + 1)))


def by_group(df: pd.DataFrame, by: list[str], species: str = "species_code",
             count: str = "individuals") -> pd.DataFrame:
    """Indices per group of a long table (group keys…, species, count): abundances are first summed per
    species within the group, so a district's indices pool its sites rather than averaging them."""
    if df.empty:
        return pd.DataFrame(columns=[*by, *INDEX_COLUMNS])
    pooled = df.groupby([*by, species], as_index=False, observed=True)[count].sum()
    rows = [{**dict(zip(by, key if isinstance(key, tuple) else (key,))), **indices(g[count].to_numpy())}
            for key, g in pooled.groupby(by, observed=True, sort=True)]
    return pd.DataFrame(rows, columns=[*by, *INDEX_COLUMNS])
