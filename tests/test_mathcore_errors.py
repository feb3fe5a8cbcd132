"""Bad input raises ValueError naming the parameter and its allowed range; the CSV loader names the line."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from mathcore import parameters as P
from mathcore.datasets import fresh_points, house_prices, load_csv
from mathcore.densities import gaussian_pdf, laplace_logpdf
from mathcore.likelihood import likelihood_curve, log_likelihood, mle_slope, peak_normalised
from mathcore.objectives import descent_path, neg_log_posterior, ridge_objective, ridge_slope, two_views
from mathcore.polynomial import degree_blend, dense_curve, design_matrix, fit_map, fit_mle, fit_ridge
from mathcore.posterior import grid_argmax, map_slope, posterior_density, posterior_std, shrinkage_factor
from mathcore.prior import gaussian_prior_pdf, laplace_prior_pdf
from mathcore.regularization import lambda_from_sigmas, sigma_from_lambda
from mathcore.sparsity import elastic_net_map_slope, elastic_net_slope, lasso_slope, soft_threshold

X = np.array([0.8, 1.0, 1.3])
Y = np.array([1.5, 2.1, 2.4])
W = np.linspace(-1.0, 1.0, 11)
POSITIVE = r"must be a finite number > 0"
NON_NEGATIVE = r"must be a finite number >= 0"
FINITE = r"must contain only finite numbers"

CASES: list[tuple[str, Callable[[], object], str]] = [
    ("prior sigma 0", lambda: gaussian_prior_pdf(W, 0.0), rf"^sigma {POSITIVE}"),
    ("prior sigma negative", lambda: gaussian_prior_pdf(W, -1.0), rf"^sigma {POSITIVE}"),
    ("prior sigma nan", lambda: gaussian_prior_pdf(W, math.nan), rf"^sigma {POSITIVE}"),
    ("prior sigma inf", lambda: gaussian_prior_pdf(W, math.inf), rf"^sigma {POSITIVE}"),
    ("prior sigma text", lambda: gaussian_prior_pdf(W, "wide"), rf"^sigma {POSITIVE}"),
    ("laplace scale 0", lambda: laplace_prior_pdf(W, 0.0), rf"^scale {POSITIVE}"),
    ("gaussian std 0", lambda: gaussian_pdf(W, 0.0, 0.0), rf"^std {POSITIVE}"),
    ("density x nan", lambda: laplace_logpdf([0.0, math.nan], 0.0, 1.0), rf"^x {FINITE}"),
    ("likelihood sigma_n 0", lambda: log_likelihood(W, X, Y, 0.0), rf"^sigma_n {POSITIVE}"),
    ("curve sigma_n negative", lambda: likelihood_curve(W, X, Y, -1.5), rf"^sigma_n {POSITIVE}"),
    ("map sigma_n 0", lambda: map_slope(X, Y, 0.0, 1.0), rf"^sigma_n {POSITIVE}"),
    ("map sigma 0", lambda: map_slope(X, Y, 1.5, 0.0), rf"^sigma {POSITIVE}"),
    ("posterior sigma 0", lambda: posterior_density(W, X, Y, 1.5, 0.0), rf"^sigma {POSITIVE}"),
    ("posterior std sigma_n 0", lambda: posterior_std(X, 0.0, 1.0), rf"^sigma_n {POSITIVE}"),
    ("lambda from sigma 0", lambda: lambda_from_sigmas(1.5, 0.0), rf"^sigma {POSITIVE}"),
    ("sigma from lambda 0", lambda: sigma_from_lambda(0.0, 1.5), rf"^lambda {POSITIVE}"),
    ("x nan", lambda: mle_slope([1.0, math.nan], [1.0, 2.0]), rf"^x {FINITE}"),
    ("y inf", lambda: mle_slope([1.0, 2.0], [1.0, math.inf]), rf"^y {FINITE}"),
    ("no points", lambda: mle_slope([], []), r"^x needs at least 1 value, got 0"),
    ("all x zero", lambda: mle_slope([0.0, 0.0], [1.0, 2.0]), r"^x must contain at least one nonzero value"),
    ("length mismatch", lambda: mle_slope([1.0, 2.0], [1.0]), r"^x and y must have the same length, got 2 and 1"),
    ("x two-dimensional", lambda: mle_slope([[1.0, 2.0]], [[1.0, 2.0]]), r"^x must be one-dimensional"),
    ("ridge lambda negative", lambda: ridge_objective(W, X, Y, -0.1), rf"^lambda {NON_NEGATIVE}"),
    ("ridge slope lambda nan", lambda: ridge_slope(X, Y, math.nan), rf"^lambda {NON_NEGATIVE}"),
    ("nlp lambda 0", lambda: neg_log_posterior(W, X, Y, 1.5, 0.0), rf"^lambda {POSITIVE}"),
    ("two views lambda 0", lambda: two_views(W, X, Y, 1.5, 0.0), rf"^lambda {POSITIVE}"),
    ("lasso lambda negative", lambda: lasso_slope(X, Y, -1.0), rf"^lambda {NON_NEGATIVE}"),
    ("elastic l2 negative", lambda: elastic_net_slope(X, Y, 1.0, -1.0), rf"^l2 {NON_NEGATIVE}"),
    ("threshold negative", lambda: soft_threshold(1.0, -0.5), rf"^threshold {NON_NEGATIVE}"),
    ("degree 16", lambda: fit_ridge(X, Y, 16, 0.1), r"^degree must be an integer from 0 to 15, got 16"),
    ("degree -1", lambda: fit_ridge(X, Y, -1, 0.1), r"^degree must be an integer from 0 to 15, got -1"),
    ("degree fractional", lambda: fit_ridge(X, Y, 2.5, 0.1), r"^degree must be an integer from 0 to 15, got 2.5"),
    ("degree nan", lambda: design_matrix(X, math.nan, (0.0, 1.0)), r"^degree must be an integer from 0 to 15"),
    ("degree text", lambda: design_matrix(X, "3", (0.0, 1.0)), r"^degree must be an integer from 0 to 15"),
    ("mle degree above points", lambda: fit_mle(X, Y, 3), r"^degree must be an integer from 0 to 2 for a unique MLE"),
    ("fit one point", lambda: fit_ridge([0.5], [1.0], 1, 0.1), r"^x needs at least 2 values, got 1"),
    ("fit equal x", lambda: fit_ridge([0.5, 0.5], [1.0, 2.0], 1, 0.1), r"^x needs at least 2 distinct values"),
    ("fit y nan", lambda: fit_mle(X, [1.0, math.nan, 2.0], 1), rf"^y {FINITE}"),
    ("fit lambda negative", lambda: fit_ridge(X, Y, 1, -1.0), rf"^lambda {NON_NEGATIVE}"),
    ("fit_map sigma 0", lambda: fit_map(X, Y, 1, 1.5, 0.0), rf"^sigma {POSITIVE}"),
    ("domain reversed", lambda: design_matrix(X, 2, (1.0, 0.0)), r"^domain must have high > low"),
    ("domain infinite", lambda: fit_ridge(X, Y, 2, 0.1, (0.0, math.inf)), r"^domain high must be a finite number"),
    ("dense curve one sample", lambda: dense_curve(fit_mle(X, Y, 1), 0.0, 1.0, 1),
     r"^samples must be an integer from 2 to 1000000, got 1"),
    ("grid too short", lambda: grid_argmax([0.0, 1.0], [1.0, 2.0]), r"^w needs at least 3 values, got 2"),
    ("grid shape mismatch", lambda: grid_argmax(W, W[:-1]), r"^values must have the shape of w"),
    ("grid values nan", lambda: grid_argmax(W, np.where(W > 0, math.nan, 0.0)), rf"^values {FINITE}"),
    ("peak of nothing", lambda: peak_normalised([]), r"^log_values must be non-empty"),
    ("peak of minus infinity", lambda: peak_normalised([0.0, -math.inf]), rf"^log_values {FINITE}"),
    ("w_grid samples", lambda: P.w_grid(2), r"^samples must be an integer from 3 to 100000, got 2"),
    ("drag index", lambda: house_prices().with_point(6, 1.0, 2.0), r"^index must be an integer from 0 to 5, got 6"),
    ("drag to nan", lambda: house_prices().with_point(0, math.nan, 2.0), r"^x must be a finite number"),
    ("fresh points n", lambda: fresh_points(n=1), r"^n must be an integer from 2 to 10000, got 1"),
    ("descent rate 0", lambda: descent_path(X, Y, 1.5, 1.0, 0.0, 0.0, 5), rf"^rate {POSITIVE}"),
    ("descent steps", lambda: descent_path(X, Y, 1.5, 1.0, 0.0, 0.1, -1), r"^steps must be an integer from 0 to 10000"),
    ("descent start nan", lambda: descent_path(X, Y, 1.5, 1.0, math.nan, 0.1, 3), r"^start must be a finite number"),
    ("elastic mix", lambda: elastic_net_map_slope(X, Y, 1.5, 1.0, 1.5), r"^mix must be a number from 0 to 1"),
    ("blend degree", lambda: degree_blend(X, Y, 15.5, 0.1, W), r"^degree must be a number from 0 to 15"),
    ("shrinkage sigma 0", lambda: shrinkage_factor(X, 1.5, 0.0), rf"^sigma {POSITIVE}"),
]


@pytest.mark.parametrize(("case", "call", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_names_the_parameter_and_range(case, call, message):
    with pytest.raises(ValueError, match=message):
        call()


def write(tmp_path: Path, text: str, name: str = "sales.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x,z\n1,2\n3,4\n", r"^csv sales.csv line 1: missing column 'y'"),
        ("size,price\n1,2\n3,4\n", r"^csv sales.csv line 1: missing column 'x'"),
        ("x,y\n1,2\n3,4\n5,abc\n", r"^csv sales.csv line 4: column 'y' is not a number: 'abc'"),
        ("x,y\n1,2\n\n$3,4\n", r"^csv sales.csv line 4: column 'x' is not a number: '\$3'"),
        ("x,y\n1,2\n3\n", r"^csv sales.csv line 3: column 'y' is empty or missing"),
        ("x,y\n1,2\n3,nan\n", r"^csv sales.csv line 3: column 'y' must be a finite number, got 'nan'"),
        ("x,y\n1,2\n", r"^csv sales.csv: needs at least 2 data rows, got 1"),
        ("", r"^csv sales.csv: needs a header naming columns x and y"),
        ("1,2\n3,4\n5,six\n", r"^csv sales.csv line 3: column 'y' is not a number: 'six'"),
    ],
)
def test_csv_errors_name_the_line_and_column(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        load_csv(write(tmp_path, text))


def test_csv_errors_for_missing_files_bad_encoding_and_bad_sigma_n(tmp_path):
    with pytest.raises(ValueError, match=r"^csv path .*nowhere.csv.* does not exist"):
        load_csv(tmp_path / "nowhere.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("x,y\n1,2\n3,4 \xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"^csv latin.csv: must be UTF-8 text"):
        load_csv(latin)
    with pytest.raises(ValueError, match=rf"^sigma_n {POSITIVE}"):
        load_csv(write(tmp_path, "x,y\n1,2\n3,4\n"), sigma_n=0.0)


def test_csv_reads_headers_in_any_case_extra_columns_bom_blank_lines_and_bare_pairs(tmp_path):
    rows = [(0.8, 1.75), (1.25, -2.5), (2.4, 6.125)]
    body = "\n".join(f"{x},note {i},{y}" for i, (x, y) in enumerate(rows))
    data = load_csv(write(tmp_path, "\ufeff X ,comment, Y\n" + body + "\n\n", "houses.csv"), sigma_n=2.0)
    assert data.x.tolist() == [r[0] for r in rows] and data.y.tolist() == [r[1] for r in rows]
    assert data.name == "houses" and data.meta["sigma_n"] == 2.0
    bare = load_csv(write(tmp_path, "".join(f"{x}, {y}\r\n" for x, y in rows), "bare.csv"))
    assert bare.x.tolist() == [r[0] for r in rows] and bare.y.tolist() == [r[1] for r in rows]
    assert len(bare) == len(rows)
