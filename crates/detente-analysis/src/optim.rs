//! A small quasi-Newton optimiser: BFGS with central-difference gradients and a backtracking
//! (Armijo) line search, and a central-difference Hessian for standard errors. Objectives are
//! plain closures `Fn(&[f64]) -> f64` to be minimised; a non-finite value is treated as +inf
//! so the line search backs away from it.

/// Result of a minimisation.
#[derive(Clone, Debug)]
pub struct Minimum {
    pub x: Vec<f64>,
    pub f: f64,
    pub iterations: usize,
    pub converged: bool,
}

fn step_size(x: f64) -> f64 {
    1e-5 * x.abs().max(1.0)
}

/// Central-difference gradient.
pub fn gradient(f: &dyn Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    let mut xp = x.to_vec();
    (0..x.len())
        .map(|i| {
            let h = step_size(x[i]);
            xp[i] = x[i] + h;
            let fp = f(&xp);
            xp[i] = x[i] - h;
            let fm = f(&xp);
            xp[i] = x[i];
            (fp - fm) / (2.0 * h)
        })
        .collect()
}

/// Central-difference Hessian (second differences of `f`, step `1e-3 * max(1, |x|)`).
pub fn hessian(f: &dyn Fn(&[f64]) -> f64, x: &[f64]) -> Vec<Vec<f64>> {
    let n = x.len();
    let h: Vec<f64> = x.iter().map(|v| 1e-3 * v.abs().max(1.0)).collect();
    let f0 = f(x);
    let mut xp = x.to_vec();
    let at = |xp: &mut Vec<f64>, i: usize, si: f64, j: usize, sj: f64| {
        xp[i] += si * h[i];
        xp[j] += sj * h[j];
        let v = f(xp);
        xp[i] = x[i];
        xp[j] = x[j];
        v
    };
    let mut hm = vec![vec![0.0; n]; n];
    for i in 0..n {
        let fp = at(&mut xp, i, 1.0, i, 0.0);
        let fm = at(&mut xp, i, -1.0, i, 0.0);
        hm[i][i] = (fp - 2.0 * f0 + fm) / (h[i] * h[i]);
        for j in 0..i {
            let pp = at(&mut xp, i, 1.0, j, 1.0);
            let pm = at(&mut xp, i, 1.0, j, -1.0);
            let mp = at(&mut xp, i, -1.0, j, 1.0);
            let mm = at(&mut xp, i, -1.0, j, -1.0);
            let v = (pp - pm - mp + mm) / (4.0 * h[i] * h[j]);
            hm[i][j] = v;
            hm[j][i] = v;
        }
    }
    hm
}

/// Minimise `f` from `x0` by BFGS.
pub fn bfgs(f: &dyn Fn(&[f64]) -> f64, x0: &[f64], max_iter: usize, gtol: f64) -> Minimum {
    let n = x0.len();
    let safe = |x: &[f64]| {
        let v = f(x);
        if v.is_finite() {
            v
        } else {
            f64::INFINITY
        }
    };
    let mut x = x0.to_vec();
    let mut fx = safe(&x);
    let mut g = gradient(&safe, &x);
    let mut hinv: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    let mut it = 0;
    let mut converged = false;
    while it < max_iter {
        let gnorm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
        if gnorm < gtol {
            converged = true;
            break;
        }
        it += 1;
        let mut d: Vec<f64> = (0..n)
            .map(|i| -(0..n).map(|j| hinv[i][j] * g[j]).sum::<f64>())
            .collect();
        let mut slope: f64 = d.iter().zip(&g).map(|(a, b)| a * b).sum();
        if slope >= 0.0 {
            // Not a descent direction: reset to steepest descent.
            for i in 0..n {
                for j in 0..n {
                    hinv[i][j] = if i == j { 1.0 } else { 0.0 };
                }
            }
            d = g.iter().map(|v| -v).collect();
            slope = -gnorm * gnorm;
        }
        let mut t = 1.0;
        let mut xn = x.clone();
        let mut fnew = f64::INFINITY;
        for _ in 0..40 {
            for i in 0..n {
                xn[i] = x[i] + t * d[i];
            }
            fnew = safe(&xn);
            if fnew <= fx + 1e-4 * t * slope {
                break;
            }
            t *= 0.5;
        }
        if fnew >= fx || fnew.is_nan() {
            converged = gnorm < gtol.sqrt();
            break;
        }
        let gn = gradient(&safe, &xn);
        let s: Vec<f64> = (0..n).map(|i| xn[i] - x[i]).collect();
        let y: Vec<f64> = (0..n).map(|i| gn[i] - g[i]).collect();
        let sy: f64 = s.iter().zip(&y).map(|(a, b)| a * b).sum();
        if sy > 1e-12 {
            let hy: Vec<f64> = (0..n)
                .map(|i| (0..n).map(|j| hinv[i][j] * y[j]).sum())
                .collect();
            let yhy: f64 = y.iter().zip(&hy).map(|(a, b)| a * b).sum();
            for i in 0..n {
                for j in 0..n {
                    hinv[i][j] +=
                        (sy + yhy) * s[i] * s[j] / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy;
                }
            }
        }
        let rel = (fx - fnew).abs() / fx.abs().max(1.0);
        x = xn;
        fx = fnew;
        g = gn;
        if rel < 1e-12 {
            converged = true;
            break;
        }
    }
    Minimum {
        x,
        f: fx,
        iterations: it,
        converged,
    }
}

/// Inverse of a symmetric positive-definite matrix by Cholesky; `None` if not positive definite.
pub fn spd_inverse(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let l = cholesky(a)?;
    let n = a.len();
    let mut inv = vec![vec![0.0; n]; n];
    for col in 0..n {
        // Solve L y = e_col, then L^T x = y.
        let mut y = vec![0.0; n];
        for i in 0..n {
            let mut s = if i == col { 1.0 } else { 0.0 };
            for k in 0..i {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        let mut x = vec![0.0; n];
        for i in (0..n).rev() {
            let mut s = y[i];
            for k in i + 1..n {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        for i in 0..n {
            inv[i][col] = x[i];
        }
    }
    Some(inv)
}

/// Lower Cholesky factor of a symmetric positive-definite matrix.
pub fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i][j];
            for k in 0..j {
                s -= l[i][k] * l[j][k];
            }
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimises_rosenbrock() {
        let f = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let m = bfgs(&f, &[-1.2, 1.0], 500, 1e-6);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-3 && (m.x[1] - 1.0).abs() < 1e-3,
            "{m:?}"
        );
    }

    #[test]
    fn hessian_and_inverse_of_quadratic() {
        let f = |x: &[f64]| 2.0 * x[0] * x[0] + x[0] * x[1] + x[1] * x[1];
        let h = hessian(&f, &[0.3, -0.2]);
        assert!(
            (h[0][0] - 4.0).abs() < 1e-5
                && (h[0][1] - 1.0).abs() < 1e-5
                && (h[1][1] - 2.0).abs() < 1e-5
        );
        let inv = spd_inverse(&h).unwrap();
        // [[4,1],[1,2]]^-1 = [[2,-1],[-1,4]]/7
        assert!((inv[0][0] - 2.0 / 7.0).abs() < 1e-5 && (inv[0][1] + 1.0 / 7.0).abs() < 1e-5);
    }
}
