//! Concern rankings of experts in groups (the deliberation of seed 000). Each expert ranks a
//! subset of concerns (rank 1 = gravest, ties allowed). Per group we aggregate by Borda count
//! (a concern ranked r of the n concerns an expert ranked scores n − r + 1; unranked concerns
//! score 0; the aggregate orders by total score, ties broken by concern name), measure agreement
//! by Kendall's coefficient of concordance W with the correction for ties (concerns an expert
//! left unranked share the remaining places as one tie), compare the groups' top-K lists
//! (overlap matrix, concerns shared by all groups) and rank concerns by how much they divide the
//! groups: the spread (max − min over groups) of the normalised mean Borda score
//! s̄_g(c) = mean over the group's experts of score/n ∈ [0, 1].

use crate::csvin;
use crate::error::Error;
use detente_limits::{MAX_CONCERNS, MAX_RANKING_GROUPS};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One row of a rankings file.
#[derive(Debug, Clone, PartialEq)]
pub struct RankRow {
    pub expert: String,
    pub group: String,
    pub concern: String,
    pub rank: u32,
    /// Line in the source file (0 when built in code).
    pub line: u64,
}

/// Parse `expert,group,concern,rank` CSV text; `file` names the source in errors.
pub fn parse_rankings(text: &str, file: &str) -> Result<Vec<RankRow>, Error> {
    let rows = csvin::read(text, file, &["expert", "group", "concern", "rank"], &[])?;
    let mut out = Vec::with_capacity(rows.len());
    let mut expert_group: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let mut seen: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut groups: BTreeSet<String> = BTreeSet::new();
    let mut concerns: BTreeSet<String> = BTreeSet::new();
    for r in rows {
        let line = r.line;
        let expert = csvin::required(file, line, "expert", &r.values[0])?.to_string();
        let group = csvin::required(file, line, "group", &r.values[1])?.to_string();
        let concern = csvin::required(file, line, "concern", &r.values[2])?.to_string();
        let rs = csvin::required(file, line, "rank", &r.values[3])?;
        let rank: u32 = match rs.parse::<u32>() {
            Ok(k) if k >= 1 => k,
            _ => {
                return Err(Error::input(
                    file,
                    line,
                    "rank",
                    format!(
                        "`{rs}` is not allowed; a rank is a whole number ≥ 1 (1 = gravest concern)"
                    ),
                ))
            }
        };
        if !groups.contains(&group) {
            if groups.len() >= MAX_RANKING_GROUPS {
                return Err(Error::input(file, line, "group", format!("more than {MAX_RANKING_GROUPS} groups; allowed: at most {MAX_RANKING_GROUPS} (every pair of groups is compared; docs/limits.md)")));
            }
            groups.insert(group.clone());
        }
        if !concerns.contains(&concern) {
            if concerns.len() >= MAX_CONCERNS {
                return Err(Error::input(file, line, "concern", format!("more than {MAX_CONCERNS} distinct concerns; allowed: at most {MAX_CONCERNS} (docs/limits.md)")));
            }
            concerns.insert(concern.clone());
        }
        if let Some((g, l)) = expert_group.get(&expert) {
            if *g != group {
                return Err(Error::input(
                    file,
                    line,
                    "group",
                    format!("expert `{expert}` was in group `{g}` on line {l}; an expert belongs to one group"),
                ));
            }
        } else {
            expert_group.insert(expert.clone(), (group.clone(), line));
        }
        if let Some(l) = seen.insert((expert.clone(), concern.clone()), line) {
            return Err(Error::input(
                file,
                line,
                "concern",
                format!("expert `{expert}` already ranked `{concern}` on line {l}; each concern once per expert"),
            ));
        }
        out.push(RankRow {
            expert,
            group,
            concern,
            rank,
            line,
        });
    }
    Ok(out)
}

/// A concern's aggregate in one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    pub concern: String,
    /// Total Borda score over the group's experts.
    pub borda: f64,
    /// Mean over the group's experts of score / n, in [0, 1].
    pub normalised: f64,
}

/// How much a concern divides the groups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Division {
    pub concern: String,
    /// max − min over groups of the normalised score.
    pub spread: f64,
    pub highest_group: String,
    pub highest: f64,
    pub lowest_group: String,
    pub lowest: f64,
    /// Number of groups having the concern in their top K.
    pub in_top_k_of: usize,
}

/// The full analysis of a rankings file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deliberation {
    pub top_k: usize,
    /// Group → concerns in aggregate order (only concerns the group's experts ranked).
    pub group_rankings: BTreeMap<String, Vec<String>>,
    /// Group → scored concerns in aggregate order.
    pub group_scores: BTreeMap<String, Vec<Scored>>,
    /// Group → number of experts.
    pub experts: BTreeMap<String, usize>,
    /// Group → Kendall's W (tie-corrected); None when undefined (fewer than 2 experts or 2 concerns).
    pub kendall_w: BTreeMap<String, Option<f64>>,
    /// Group → its top K.
    pub top: BTreeMap<String, Vec<String>>,
    /// Group → group → size of the intersection of their top-K lists.
    pub overlap: BTreeMap<String, BTreeMap<String, usize>>,
    /// Concerns in every group's top K (sorted by name).
    pub shared_by_all: Vec<String>,
    /// Concerns ordered by how much they divide the groups (largest spread first).
    pub divisive: Vec<Division>,
}

/// Borda scores of one expert's ranking: concern → n − r + 1.
fn borda_of(ranking: &[(String, u32)]) -> BTreeMap<String, f64> {
    let n = ranking.len() as f64;
    ranking
        .iter()
        .map(|(c, r)| (c.clone(), (n - *r as f64 + 1.0).max(0.0)))
        .collect()
}

/// Mid-ranks (1-based, average over ties) of `values` where smaller value = better rank.
fn mid_ranks(values: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && values[idx[j + 1]] == values[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            ranks[k] = avg;
        }
        i = j + 1;
    }
    ranks
}

/// Kendall's W with the tie correction for `experts` rankings of the concerns `objects`
/// (concern → stated rank; absent concerns are tied after all ranked ones).
/// W = 12 S / (m² (n³ − n) − m Σ_j T_j), T_j = Σ over tie groups (t³ − t).
pub fn kendall_w(objects: &[String], experts: &[BTreeMap<String, u32>]) -> Option<f64> {
    let n = objects.len();
    let m = experts.len();
    if n < 2 || m < 2 {
        return None;
    }
    let mut sums = vec![0.0; n];
    let mut t_total = 0.0;
    for e in experts {
        let unranked = u32::MAX as f64;
        let vals: Vec<f64> = objects
            .iter()
            .map(|o| e.get(o).map(|&r| r as f64).unwrap_or(unranked))
            .collect();
        let ranks = mid_ranks(&vals);
        for (s, r) in sums.iter_mut().zip(&ranks) {
            *s += r;
        }
        let mut counts: BTreeMap<u64, usize> = BTreeMap::new();
        for v in &vals {
            *counts.entry(v.to_bits()).or_default() += 1;
        }
        t_total += counts
            .values()
            .map(|&t| {
                let t = t as f64;
                t * t * t - t
            })
            .sum::<f64>();
    }
    let (nf, mf) = (n as f64, m as f64);
    let mean = sums.iter().sum::<f64>() / nf;
    let s: f64 = sums.iter().map(|r| (r - mean) * (r - mean)).sum();
    let denom = mf * mf * (nf * nf * nf - nf) - mf * t_total;
    if denom <= 1e-12 {
        return None;
    }
    Some((12.0 * s / denom).clamp(0.0, 1.0))
}

/// Analyse rankings with top-K lists of size `top_k` (≥ 1).
pub fn deliberate(rows: &[RankRow], top_k: usize) -> Deliberation {
    let top_k = top_k.max(1);
    // group → expert → [(concern, rank)]
    let mut groups: BTreeMap<String, BTreeMap<String, Vec<(String, u32)>>> = BTreeMap::new();
    let mut all: BTreeSet<String> = BTreeSet::new();
    for r in rows {
        groups
            .entry(r.group.clone())
            .or_default()
            .entry(r.expert.clone())
            .or_default()
            .push((r.concern.clone(), r.rank));
        all.insert(r.concern.clone());
    }
    let mut d = Deliberation {
        top_k,
        group_rankings: BTreeMap::new(),
        group_scores: BTreeMap::new(),
        experts: BTreeMap::new(),
        kendall_w: BTreeMap::new(),
        top: BTreeMap::new(),
        overlap: BTreeMap::new(),
        shared_by_all: Vec::new(),
        divisive: Vec::new(),
    };
    // normalised score of every concern in every group, including zeros
    let mut norm: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for (g, experts) in &groups {
        let mut total: BTreeMap<String, f64> = BTreeMap::new();
        let mut normalised: BTreeMap<String, f64> = all.iter().map(|c| (c.clone(), 0.0)).collect();
        for ranking in experts.values() {
            let n = ranking.len() as f64;
            for (c, s) in borda_of(ranking) {
                *total.entry(c.clone()).or_default() += s;
                *normalised.get_mut(&c).expect("concern in universe") += s / n;
            }
        }
        let m = experts.len() as f64;
        for v in normalised.values_mut() {
            *v /= m;
        }
        let mut scored: Vec<Scored> = total
            .iter()
            .map(|(c, &b)| Scored {
                concern: c.clone(),
                borda: b,
                normalised: normalised[c],
            })
            .collect();
        scored.sort_by(|a, b| {
            b.borda
                .total_cmp(&a.borda)
                .then_with(|| a.concern.cmp(&b.concern))
        });
        let objects: Vec<String> = total.keys().cloned().collect();
        let maps: Vec<BTreeMap<String, u32>> = experts
            .values()
            .map(|r| r.iter().cloned().collect())
            .collect();
        d.kendall_w.insert(g.clone(), kendall_w(&objects, &maps));
        d.experts.insert(g.clone(), experts.len());
        d.group_rankings.insert(
            g.clone(),
            scored.iter().map(|s| s.concern.clone()).collect(),
        );
        d.top.insert(
            g.clone(),
            scored
                .iter()
                .take(top_k)
                .map(|s| s.concern.clone())
                .collect(),
        );
        d.group_scores.insert(g.clone(), scored);
        norm.insert(g.clone(), normalised);
    }
    for (g, tg) in &d.top {
        let row = d
            .top
            .iter()
            .map(|(h, th)| (h.clone(), tg.iter().filter(|c| th.contains(c)).count()))
            .collect();
        d.overlap.insert(g.clone(), row);
    }
    d.shared_by_all = all
        .iter()
        .filter(|c| !d.top.is_empty() && d.top.values().all(|t| t.contains(c)))
        .cloned()
        .collect();
    for c in &all {
        let mut hi = (String::new(), f64::NEG_INFINITY);
        let mut lo = (String::new(), f64::INFINITY);
        for (g, sc) in &norm {
            let v = sc[c];
            if v > hi.1 {
                hi = (g.clone(), v);
            }
            if v < lo.1 {
                lo = (g.clone(), v);
            }
        }
        d.divisive.push(Division {
            concern: c.clone(),
            spread: hi.1 - lo.1,
            highest_group: hi.0,
            highest: hi.1,
            lowest_group: lo.0,
            lowest: lo.1,
            in_top_k_of: d.top.values().filter(|t| t.contains(c)).count(),
        });
    }
    d.divisive.sort_by(|a, b| {
        b.spread
            .total_cmp(&a.spread)
            .then_with(|| a.concern.cmp(&b.concern))
    });
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn row(e: &str, g: &str, c: &str, r: u32) -> RankRow {
        RankRow {
            expert: e.into(),
            group: g.into(),
            concern: c.into(),
            rank: r,
            line: 0,
        }
    }

    #[test]
    fn borda_and_ties_by_name() {
        let rows = vec![
            row("a", "G", "x", 1),
            row("a", "G", "y", 2),
            row("b", "G", "y", 1),
            row("b", "G", "x", 2),
            row("b", "G", "z", 3),
        ];
        let d = deliberate(&rows, 2);
        // a: n=2 → x 2, y 1; b: n=3 → y 3, x 2, z 1 ⇒ x 4, y 4, z 1; tie x/y broken by name
        assert_eq!(d.group_rankings["G"], vec!["x", "y", "z"]);
        assert_eq!(d.group_scores["G"][0].borda, 4.0);
        assert_eq!(d.top["G"], vec!["x", "y"]);
    }

    #[test]
    fn kendall_perfect_and_opposed() {
        let objs: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let e1: BTreeMap<String, u32> = [("a".into(), 1), ("b".into(), 2), ("c".into(), 3)].into();
        let e2 = e1.clone();
        assert!((kendall_w(&objs, &[e1.clone(), e2]).unwrap() - 1.0).abs() < 1e-12);
        let e3: BTreeMap<String, u32> = [("a".into(), 3), ("b".into(), 2), ("c".into(), 1)].into();
        assert!(kendall_w(&objs, &[e1.clone(), e3]).unwrap().abs() < 1e-12);
        assert_eq!(kendall_w(&objs, &[e1]), None);
    }

    #[test]
    fn kendall_textbook_with_ties() {
        // 3 judges, 4 objects; judge 3 ties b and c. Computed by hand:
        // ranks: j1 1,2,3,4; j2 1,3,2,4; j3 1,2.5,2.5,4 → R = 3, 7.5, 7.5, 12, mean 7.5
        // S = 20.25+0+0+20.25 = 40.5; T = 6 (one pair: 2³−2); W = 12·40.5/(9·60 − 3·6) = 486/522
        let objs: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let mk = |v: [u32; 4]| -> BTreeMap<String, u32> { objs.iter().cloned().zip(v).collect() };
        let w = kendall_w(
            &objs,
            &[mk([1, 2, 3, 4]), mk([1, 3, 2, 4]), mk([1, 2, 2, 4])],
        )
        .unwrap();
        assert!((w - 486.0 / 522.0).abs() < 1e-12, "{w}");
    }

    #[test]
    fn overlap_and_shared() {
        let rows = vec![
            row("a", "G", "x", 1),
            row("a", "G", "y", 2),
            row("b", "H", "x", 1),
            row("b", "H", "z", 2),
        ];
        let d = deliberate(&rows, 2);
        assert_eq!(d.shared_by_all, vec!["x"]);
        assert_eq!(d.overlap["G"]["H"], 1);
        assert_eq!(d.overlap["G"]["G"], 2);
        assert_eq!(d.divisive[0].spread, 0.5);
    }

    #[test]
    fn parse_errors_name_line_and_column() {
        let e = parse_rankings("expert,group,concern,rank\na,G,x,1\na,G,y,zero\n", "r.csv")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("r.csv") && e.contains("line 3") && e.contains("rank"),
            "{e}"
        );
        let e = parse_rankings("expert,group,concern\na,G,x\n", "r.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing column `rank`"), "{e}");
        let e = parse_rankings(
            "# c\nexpert,group,concern,rank\na,G,x,1\na,H,y,2\n",
            "r.csv",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 4") && e.contains("group"), "{e}");
        let e = parse_rankings("expert,group,concern,rank\na,G,x,1,9\n", "r.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
    }

    fn arb_rows() -> impl Strategy<Value = Vec<RankRow>> {
        // up to 3 groups × 4 experts, each ranking a random subset of 6 concerns with ties
        proptest::collection::vec(
            (
                0usize..3,
                proptest::collection::vec(proptest::option::of(1u32..5), 6),
            ),
            1..12,
        )
        .prop_map(|experts| {
            let mut rows = Vec::new();
            for (i, (g, ranks)) in experts.into_iter().enumerate() {
                for (c, r) in ranks.into_iter().enumerate() {
                    if let Some(r) = r {
                        rows.push(row(&format!("e{i}"), &format!("G{g}"), &format!("c{c}"), r));
                    }
                }
            }
            rows
        })
    }

    proptest! {
        #[test]
        fn w_in_unit_interval(rows in arb_rows()) {
            let d = deliberate(&rows, 3);
            for w in d.kendall_w.values().flatten() {
                prop_assert!((0.0..=1.0).contains(w));
            }
        }

        #[test]
        fn invariant_to_row_order(rows in arb_rows(), seed in any::<u64>()) {
            let mut shuffled = rows.clone();
            // deterministic shuffle
            let mut s = seed | 1;
            for i in (1..shuffled.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                shuffled.swap(i, (s % (i as u64 + 1)) as usize);
            }
            let a = deliberate(&rows, 3);
            let b = deliberate(&shuffled, 3);
            prop_assert_eq!(a.group_rankings, b.group_rankings);
            prop_assert_eq!(a.shared_by_all, b.shared_by_all);
            for (g, w) in &a.kendall_w {
                match (w, b.kendall_w[g]) {
                    (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-9),
                    (x, y) => prop_assert_eq!(*x, y),
                }
            }
        }
    }
}
