"""Weighted shares and weighted logistic regression on aggregated cells.

The barometer's regression figures are *defined* as what statsmodels gives for
``GLM(y, X, family=Binomial(), var_weights=w).fit(cov_type="HC0")`` with an intercept and
treatment-coded categories. Rows with the same outcome and covariates contribute identical
terms to the likelihood and to the sandwich, so the database sends one cell per distinct
(y, x) with the number of rows, the sum of weights and the sum of squared weights, and the
fit below reproduces the row-level answer exactly:

* score and bread use ``Sum(w)``: X' diag(Sum(w) mu (1 - mu)) X
* the HC0 meat uses ``Sum(w^2)``: sum over cells of Sum(w^2) (y - mu)^2 x x'

p-values and confidence intervals come from the normal distribution, as statsmodels does
for GLM.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Z_975 = 1.959963984540054  # scipy.stats.norm.ppf(0.975), as statsmodels uses it
SIGNIFICANCE = 0.05
MIN_ROWS = 10  # below this a selection is "too small" for a regression figure
_MAX_ITER = 100
_SEPARATED = 15.0  # |log odds| beyond this means the fit ran off to infinity


class Status:
    OK = "ok"
    TOO_SMALL = "too_small"
    NO_VARIATION = "no_variation"
    SEPARATION = "separation"


@dataclass(frozen=True)
class OddsRatio:
    status: str
    odds_ratio: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    n: int = 0

    @property
    def ok(self) -> bool:
        return self.status == Status.OK

    @property
    def significant(self) -> bool | None:
        return None if self.p_value is None else self.p_value < SIGNIFICANCE

    def as_dict(self) -> dict:
        return {"odds_ratio": self.odds_ratio, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "p_value": self.p_value}


def share(numerator: float, denominator: float) -> float | None:
    """A weighted share; None where nothing was counted (no division by zero)."""
    return None if denominator <= 0 else float(numerator) / float(denominator)


def normal_p_value(z: float) -> float:
    """Two-sided p-value of a z statistic (the normal distribution, as statsmodels' GLM)."""
    return math.erfc(abs(z) / math.sqrt(2.0))


@dataclass
class Fit:
    params: np.ndarray
    cov: np.ndarray
    converged: bool


def logit_fit_cells(X: np.ndarray, y: np.ndarray, sum_w: np.ndarray, sum_w2: np.ndarray) -> Fit:
    """Weighted logistic regression by Newton-Raphson (= IRLS for the canonical link),
    with the HC0 sandwich covariance. Each row of X is one cell."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    sw = np.asarray(sum_w, dtype=float)
    sw2 = np.asarray(sum_w2, dtype=float)
    beta = np.zeros(X.shape[1])
    # statsmodels starts IRLS from mu = (y + 0.5) / 2; starting there keeps us on the same path
    mu = (y + 0.5) / 2.0
    eta = np.log(mu / (1.0 - mu))
    converged = False
    deviance_old = np.inf
    for _ in range(_MAX_ITER):
        work_w = sw * mu * (1.0 - mu)
        z = eta + (y - mu) / (mu * (1.0 - mu))
        xtw = X.T * work_w
        try:
            beta = np.linalg.solve(xtw @ X, xtw @ z)
        except np.linalg.LinAlgError:
            return Fit(beta, np.full((X.shape[1], X.shape[1]), np.nan), False)
        eta = X @ beta
        mu = 1.0 / (1.0 + np.exp(-eta))
        mu = np.clip(mu, 1e-300, 1 - 1e-16)
        deviance = float(-2.0 * np.sum(sw * (y * np.log(mu) + (1 - y) * np.log1p(-mu))))
        if abs(deviance - deviance_old) <= 1e-10 * (abs(deviance) + 0.1):
            converged = True
            break
        deviance_old = deviance
    bread = (X.T * (sw * mu * (1.0 - mu))) @ X
    meat = (X.T * (sw2 * (y - mu) ** 2)) @ X
    try:
        bread_inv = np.linalg.inv(bread)
    except np.linalg.LinAlgError:
        return Fit(beta, np.full_like(bread, np.nan), False)
    return Fit(beta, bread_inv @ meat @ bread_inv, converged)


def _dummies(levels: Sequence[str], present: Sequence[str]) -> np.ndarray:
    """Treatment coding: the first present level (sorted) is the reference."""
    kept = sorted(set(present))[1:]
    return np.array([[1.0 if level == k else 0.0 for k in kept] for level in levels]).reshape(len(levels), len(kept))


def citizen_odds_ratio(*, y: Sequence[int], with_citizens: Sequence[int], sum_w: Sequence[float],
                       sum_w2: Sequence[float], count: Sequence[int],
                       covariates: Sequence[Sequence[str]] = ()) -> OddsRatio:
    """Odds ratio of reaching a value with vs. without citizens, from cells.

    ``covariates`` are categorical columns (one label per cell) to adjust for. Category
    levels in which the outcome never varies predict it perfectly; the estimate for them
    runs off to infinity and their rows stop counting, so they are left out (statsmodels
    converges towards the same citizen coefficient). Other separation, no variation in the
    outcome or in citizens' involvement, or fewer than ``MIN_ROWS`` rows, give a status
    instead of a number."""
    y = np.asarray(y, dtype=float)
    wc = np.asarray(with_citizens, dtype=float)
    sw = np.asarray(sum_w, dtype=float)
    sw2 = np.asarray(sum_w2, dtype=float)
    cnt = np.asarray(count, dtype=int)
    cov = [np.asarray(c, dtype=object) for c in covariates]
    keep = sw > 0  # rows with weight 0 add nothing to the likelihood or the sandwich
    n_rows = int(cnt.sum())
    if n_rows < MIN_ROWS:
        return OddsRatio(Status.TOO_SMALL, n=n_rows)

    # Levels with a constant outcome are perfectly predicted: leave them out, repeatedly.
    changed = True
    while changed and cov:
        changed = False
        for column in cov:
            for level in set(column[keep]):
                in_level = keep & (column == level)
                if in_level.any() and (np.all(y[in_level] == 1) or np.all(y[in_level] == 0)):
                    keep = keep & ~in_level
                    changed = True
    if not keep.any() or len(set(y[keep])) < 2 or len(set(wc[keep])) < 2:
        return OddsRatio(Status.NO_VARIATION, n=n_rows)
    # Citizens' involvement perfectly predicting the outcome (an empty 2 x 2 cell).
    for group in (0.0, 1.0):
        ys = set(y[keep & (wc == group)])
        if len(ys) < 2:
            return OddsRatio(Status.SEPARATION, n=n_rows)

    columns = [np.ones(int(keep.sum())), wc[keep]]
    X = np.column_stack(columns)
    for column in cov:
        levels = list(column[keep])
        X = np.column_stack([X, _dummies(levels, levels)])
    fit = logit_fit_cells(X, y[keep], sw[keep], sw2[keep])
    if (not fit.converged or not np.all(np.isfinite(fit.params)) or np.max(np.abs(fit.params)) > _SEPARATED
            or not np.isfinite(fit.cov[1, 1]) or fit.cov[1, 1] <= 0):
        return OddsRatio(Status.SEPARATION, n=n_rows)
    beta = float(fit.params[1])
    se = math.sqrt(float(fit.cov[1, 1]))
    return OddsRatio(Status.OK, odds_ratio=math.exp(beta), ci_low=math.exp(beta - Z_975 * se),
                     ci_high=math.exp(beta + Z_975 * se), p_value=normal_p_value(beta / se), n=n_rows)
