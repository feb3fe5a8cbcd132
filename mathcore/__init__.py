"""Pure-numpy math core: every number, curve and marker the video shows comes from here.

Imports nothing else of the project. Bad input raises ValueError naming the parameter and its allowed range;
finite input never yields NaN or infinity: a result beyond the float range raises a ValueError naming the
inputs instead (tests/test_mathcore_validation.py checks both for every public callable).

Modules
-------
story           The story file (TOML, ``stories/house-prices/story.toml`` unless ``MLE2MAP_STORY`` names
                another): ``load_story`` checks it into a frozen ``Story`` (one record per section),
                ``claims_problems`` checks the narration's claims on its numbers.
parameters      Every story number as a module constant, from the active story (SIGMA_N, TRY_SLOPES,
                SIGMA_MIN/MAX, W_RANGE, LAMBDA_SWEEP, seeds, degrees, drags, descent, SPARSITY_SIGMAS), the
                non-story ones (W_SAMPLES, UNIT_DOMAIN, MAX_DEGREE), ``w_grid()`` (the shared grid of slopes)
                and ``dollars_per_sqft``.
datasets        The story's data sets: ``house_prices`` (its [line] points; 1000 sq ft and $100k in the
                shipped story), ``five_noisy_points``, ``fresh_points``, ``polynomial_playground`` (generated
                from its seeds), ``smooth_source``; ``Dataset`` (read-only x, y; ``with_point`` for drags);
                ``load_csv`` for (x, y) pairs.
densities       Gaussian and Laplace pdf and log-pdf, vectorised.
likelihood      Slope model y = w x + N(0, sigma_n^2): predictions, residuals, per-point (log-)likelihoods
                over a w grid (raw, each peaking at 1, or relative to the bell's peak), the product as a
                sum of logs, curves scaled to peak 1 (grid or true MLE) or unit area, ``mle_slope``.
prior           Gaussian prior N(0, sigma^2) and zero-mean Laplace prior on w.
posterior       Log posterior, posterior on a grid (peak 1 or unit area), ``map_slope``,
                ``shrinkage_factor`` (MAP / MLE) and ``posterior_std`` in closed form, ``map_on_grid`` /
                ``grid_argmax`` (parabola-refined, exact for quadratics).
regularization  lambda = sigma_n^2 / sigma^2 (``lambda_from_sigmas``) and back (``sigma_from_lambda``).
objectives      Chapter 8: ``data_loss``, ``ridge_objective`` (loss + lambda w^2), ``neg_log_posterior``,
                ``ridge_penalty``, ``ridge_slope``, ``grid_argmin``, ``two_views`` (both curves and their
                argmins), and chapter 7's gradient-descent walk (``neg_log_posterior_gradient``,
                ``descent_path``).
polynomial      Legendre-basis design matrices, ``fit_mle`` (unique up to degree n-1), ``fit_ridge`` and
                ``fit_map`` (lstsq on an augmented system, degrees 0 to 15), ``dense_curve`` for drawing,
                ``degree_blend`` for animating the degree, ``rms_error``.
sparsity        Lasso / Laplace-prior MAP and elastic net for the slope by soft thresholding, the lambda
                a Laplace scale implies, Laplace and elastic-net priors and log posteriors on a grid.
sums            ``dot``: exactly rounded sums of products for the sufficient statistics.
validate        The shared input checks.
_csv            Internal: reading (x, y) pairs from a CSV (``load_csv`` and the story's ``[line] csv``).
_scaled         Internal: residuals, sums and areas on power-of-two-scaled floats and exact fractions, so no
                intermediate overflows (bit-identical to the plain formulas for ordinary magnitudes).
"""
