//! The operational model: one replication of the campaign, stepped hour by hour. On each axis
//! the attacker meets a sequence of defended lines (the border and the outskirts of each
//! objective). In contact, both sides lose combat power by Helmbold's (1964) generalisation of
//! Lanchester's equations, dA/dt = −c_a·A^(1−W)·D_e^W and dD/dt = −c_d·D^(1−W)·A_e^W (W = 1 is
//! the square law), with the defender's power multiplied by Dupuy-style posture and terrain
//! factors; the front moves at an opposed advance rate that grows with the logarithm of the
//! force ratio (a force-ratio/advance-rate relation of the ATLAS/Dupuy kind, capped). A line
//! breaks at a Helmbold/Dupuy-style breakpoint — when its losses reach a drawn fraction of its
//! strength, or at an overrun force ratio — and its survivors fall back to the next line while
//! the attacker exploits at road-march speed (slowed by terrain, counter-mobility and NATO air
//! interdiction). An objective falls when the line at its outskirts breaks, or when the
//! attacker arrives there and finds it undefended. An axis halts (culminates) when the attacker
//! falls below its breakpoint fraction of the power committed to it. NATO air power attrits the
//! attacker theatre-wide, ramping up over time and discounted by the attacker's air defence,
//! which NATO suppression erodes. All random numbers of a replication are drawn up front in a
//! fixed order, so runs with the same seed use common random numbers across postures.

use crate::posture::{Posture, UnitKind};
use rand::Rng;
use rand::SeedableRng;
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Never-reached marker in [`Replication::fall_hours`].
pub const NEVER: f32 = f32::INFINITY;

/// A posture compiled for fast replication.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub(crate) objectives: Vec<String>,
    pub(crate) quick_idx: Vec<usize>,
    pub(crate) quick_hours: f64,
    pub(crate) horizon_steps: usize,
    /// Whether each axis is played (all are, but for [`Compiled::until_quick_window`]).
    played: Vec<bool>,
    /// Stop a replication once a quick success has happened (for `until_quick_window`).
    stop_when_quick: bool,
    axes: Vec<CAxis>,
    air_kill: f64,
    /// NATO air power by hour, the same in every replication: (share available, the
    /// attacker's air defence's divisor 1 + iads0 e^(-t / sead_hours)).
    air_by_step: Vec<(f64, f64)>,
    interdiction: f64,
    attacker_air_mult: f64,
    // model constants
    w: f64,
    ca: f64,
    cd: f64,
    posture_factor: f64,
    adv_3: f64,
    adv_max: f64,
    exploit: f64,
    counter_mobility: f64,
    bp_loss: f64,
    bp_spread: f64,
    overrun: f64,
    retreat: f64,
    bp_att: f64,
    sig_att: f64,
    sig_def: f64,
    sig_air: f64,
    sig_delay: f64,
    sig_tempo: f64,
    sig_axis: f64,
}

#[derive(Clone, Debug)]
struct CAxis {
    /// Position of line j, km from the start line (line 0 = border).
    line_pos: Vec<f64>,
    /// Objective index of line j (line 0 has none).
    line_obj: Vec<Option<usize>>,
    /// Terrain defence multiplier at line j.
    line_def: Vec<f64>,
    /// Terrain speed factor for moving from line j−1 to line j (index j; 0 unused).
    leg_speed: Vec<f64>,
    /// Attacker arrivals (hour, combat power), sorted by hour.
    att_events: Vec<(f64, f64)>,
    /// Defender combat power in place at each line at hour 0 (after the opening strike).
    def_in_place: Vec<f64>,
    /// Opening-strike losses of the in-place defender.
    def_strike_loss: f64,
    /// Defender reinforcements (hour, combat power), sorted by hour.
    def_events: Vec<(f64, f64)>,
    /// Share of NATO air attrition apportioned to this axis (its share of the attacker's
    /// total planned combat power).
    air_share: f64,
}

/// Outcome of one replication.
#[derive(Clone, Debug, PartialEq)]
pub struct Replication {
    /// Hour each objective (in [`Compiled`] order) fell, or [`NEVER`].
    pub fall_hours: Vec<f32>,
    /// Attacker combat power committed (arrived) over the campaign.
    pub attacker_committed: f64,
    /// Attacker combat power lost (ground combat and air).
    pub attacker_lost: f64,
    /// Attacker combat power lost to NATO air power.
    pub attacker_lost_air: f64,
    /// Defender combat power committed (in place plus reinforcements arrived).
    pub defender_committed: f64,
    /// Defender combat power lost (opening strike, combat, broken lines).
    pub defender_lost: f64,
}

impl Compiled {
    /// Compile a (validated) posture.
    pub fn new(p: &Posture) -> Compiled {
        let m = &p.model;
        let objectives = p.objectives();
        let obj_index = |name: &str| objectives.iter().position(|o| o == name);
        let cp = |u: &crate::posture::Unit| u.battalions * u.readiness * m.cp_per_bn(u.kind);
        let mut axes = Vec::with_capacity(p.axes.len());
        for ax in &p.axes {
            let n = ax.legs.len() + 1;
            let mut line_pos = vec![0.0; n];
            let mut line_obj = vec![None; n];
            let mut line_def = vec![0.0; n];
            let mut leg_speed = vec![1.0; n];
            let mut cum = 0.0;
            line_def[0] = m.terrain_defence(ax.legs[0].terrain);
            for (j, l) in ax.legs.iter().enumerate() {
                cum += l.km;
                line_pos[j + 1] = cum;
                line_obj[j + 1] = obj_index(&l.to);
                line_def[j + 1] = m.terrain_defence(l.terrain);
                leg_speed[j + 1] = m.terrain_speed(l.terrain);
            }
            let mut att_events: Vec<(f64, f64)> = p
                .attacker
                .iter()
                .filter(|u| u.axis == ax.name && u.kind != UnitKind::AirDefence)
                .map(|u| (u.arrival_hour, cp(u)))
                .collect();
            att_events.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut def_in_place = vec![0.0; n];
            let mut def_strike_loss = 0.0;
            let mut def_events = Vec::new();
            for u in p.defender.iter().filter(|u| u.axis == ax.name) {
                let c = cp(u);
                if u.arrival_hour <= 0.0 {
                    let line = if u.position == "forward" {
                        0
                    } else {
                        ax.legs
                            .iter()
                            .position(|l| l.to == u.position)
                            .map_or(0, |j| j + 1)
                    };
                    def_in_place[line] += c * (1.0 - p.air.opening_strike_loss);
                    def_strike_loss += c * p.air.opening_strike_loss;
                } else {
                    def_events.push((u.arrival_hour, c));
                }
            }
            def_events.sort_by(|a, b| a.0.total_cmp(&b.0));
            axes.push(CAxis {
                line_pos,
                line_obj,
                line_def,
                leg_speed,
                att_events,
                def_in_place,
                def_strike_loss,
                def_events,
                air_share: 0.0,
            });
        }
        let att_total: f64 = axes
            .iter()
            .map(|a| a.att_events.iter().map(|e| e.1).sum::<f64>())
            .sum();
        for a in &mut axes {
            let mine: f64 = a.att_events.iter().map(|e| e.1).sum();
            a.air_share = if att_total > 0.0 {
                mine / att_total
            } else {
                0.0
            };
        }
        let att_ad: f64 = p
            .attacker
            .iter()
            .filter(|u| u.kind == UnitKind::AirDefence)
            .map(|u| u.battalions * u.readiness)
            .sum();
        let def_ad: f64 = p
            .defender
            .iter()
            .filter(|u| u.kind == UnitKind::AirDefence && u.arrival_hour <= 0.0)
            .map(|u| u.battalions * u.readiness)
            .sum();
        let quick_idx = p
            .quick_success
            .objectives
            .iter()
            .filter_map(|o| obj_index(o))
            .collect();
        Compiled {
            quick_idx,
            quick_hours: p.quick_success.hours,
            horizon_steps: p.horizon_hours.ceil() as usize,
            played: vec![true; axes.len()],
            stop_when_quick: false,
            axes,
            air_kill: p.air.nato_kill_cp_per_hour,
            air_by_step: air_by_step(p, att_ad),
            interdiction: p.air.interdiction_slowdown,
            attacker_air_mult: 1.0
                + p.air.attacker_air_bonus / (1.0 + p.air.defender_ad_per_bn * def_ad),
            w: m.helmbold_w,
            ca: m.attrition_attacker,
            cd: m.attrition_defender,
            posture_factor: m.defence_posture_factor,
            adv_3: m.advance_kmh_at_3to1,
            adv_max: m.advance_kmh_max,
            exploit: m.exploit_kmh,
            counter_mobility: m.counter_mobility,
            bp_loss: m.defender_breakpoint_loss,
            bp_spread: m.breakpoint_spread,
            overrun: m.overrun_ratio,
            retreat: m.retreat_fraction,
            bp_att: m.attacker_breakpoint_remaining,
            sig_att: m.sigma_attacker,
            sig_def: m.sigma_defender,
            sig_air: m.sigma_air,
            sig_delay: m.sigma_reinforcement_delay,
            sig_tempo: m.sigma_tempo,
            sig_axis: m.sigma_axis,
            objectives,
        }
    }

    /// The same campaign played only as far as [`Compiled::is_quick`] needs: every random
    /// number is drawn before the first step and the axes do not interact (air power is
    /// apportioned by plan), so the axes without a quick-success objective are left out, a
    /// replication stops once a quick objective has fallen, and no step ending after the
    /// window is played. Each replication's `is_quick` is the same as over the whole campaign;
    /// its other results are not.
    pub fn until_quick_window(&self) -> Compiled {
        let steps = if self.quick_hours.is_finite() && self.quick_hours >= 0.0 {
            // Step s ends at hour s + 1; one step of margin.
            (self.quick_hours.floor() as usize).saturating_add(1)
        } else {
            self.horizon_steps
        };
        let played = self
            .axes
            .iter()
            .map(|ax| {
                ax.line_obj
                    .iter()
                    .any(|o| o.is_some_and(|o| self.quick_idx.contains(&o)))
            })
            .collect();
        Compiled {
            horizon_steps: self.horizon_steps.min(steps),
            played,
            stop_when_quick: true,
            ..self.clone()
        }
    }

    /// Objective names, in result order.
    pub fn objectives(&self) -> &[String] {
        &self.objectives
    }

    /// Whether a replication is a quick success for the attacker.
    pub fn is_quick(&self, r: &Replication) -> bool {
        self.is_quick_so_far(&r.fall_hours)
    }

    fn is_quick_so_far(&self, fall_hours: &[f32]) -> bool {
        self.quick_idx
            .iter()
            .any(|&i| f64::from(fall_hours[i]) <= self.quick_hours)
    }

    /// Opposed advance rate at effective force ratio `r`, km/h in open terrain.
    fn advance(&self, r: f64) -> f64 {
        if r <= 1.0 {
            0.0
        } else {
            (self.adv_3 * r.ln() / 3f64.ln()).min(self.adv_max)
        }
    }

    /// Run replication `index` of a run with `seed`.
    pub fn replicate(&self, seed: u64, index: u64) -> Replication {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(replication_seed(seed, index));
        self.simulate(&mut rng)
    }

    /// One replication with the given generator.
    pub fn simulate(&self, rng: &mut Xoshiro256PlusPlus) -> Replication {
        // All random numbers up front, fixed count and order (common random numbers).
        let mut ln = |s: f64| -> f64 {
            let z: f64 = rng.sample(StandardNormal);
            (s * z).exp()
        };
        let f_att = ln(self.sig_att);
        let f_def = ln(self.sig_def);
        let f_air = ln(self.sig_air);
        let f_delay = ln(self.sig_delay);
        let f_tempo = ln(self.sig_tempo);
        let n_ax = self.axes.len();
        let mut st: Vec<AxState> = Vec::with_capacity(n_ax);
        for ax in &self.axes {
            let z: f64 = rng.sample(StandardNormal);
            let u: f64 = rng.random();
            st.push(AxState {
                f_axis: (self.sig_axis * z).exp(),
                bp: (self.bp_loss + self.bp_spread * (2.0 * u - 1.0)).clamp(0.01, 1.0),
                pool: ax.def_in_place.clone(),
                ..AxState::default()
            });
        }

        let mut out = Replication {
            fall_hours: vec![NEVER; self.objectives.len()],
            attacker_committed: 0.0,
            attacker_lost: 0.0,
            attacker_lost_air: 0.0,
            defender_committed: 0.0,
            defender_lost: 0.0,
        };
        for ((ax, s), _) in self
            .axes
            .iter()
            .zip(st.iter_mut())
            .zip(&self.played)
            .filter(|(_, p)| **p)
        {
            let in_place: f64 = ax.def_in_place.iter().sum();
            out.defender_committed += in_place + ax.def_strike_loss;
            out.defender_lost += ax.def_strike_loss;
            // Start at the border line.
            s.enter_line(ax, 0.0, &mut out.fall_hours);
        }
        let exploit_base = self.exploit * f_tempo / (1.0 + self.counter_mobility);
        let w = self.w;
        for step in 0..self.horizon_steps {
            let t = step as f64;
            let t_end = (t + 1.0) as f32;
            // Arrivals.
            let mut pending_attack = false;
            for ((ax, s), _) in self
                .axes
                .iter()
                .zip(st.iter_mut())
                .zip(&self.played)
                .filter(|(_, p)| **p)
            {
                while s.ai < ax.att_events.len() && ax.att_events[s.ai].0 <= t {
                    let c = ax.att_events[s.ai].1;
                    s.a += c;
                    s.committed += c;
                    out.attacker_committed += c;
                    s.ai += 1;
                }
                pending_attack |= s.ai < ax.att_events.len();
                while s.di < ax.def_events.len() && ax.def_events[s.di].0 * f_delay <= t {
                    let c = ax.def_events[s.di].1;
                    out.defender_committed += c;
                    if s.contact {
                        s.d += c;
                        s.d0 += c;
                    } else if !s.done {
                        s.pool[s.line] += c;
                    }
                    s.di += 1;
                }
            }
            // NATO air power.
            let (avail, air_defence) = self.air_by_step[step];
            let air_eff = avail * f_air / air_defence;
            let air_kill = self.air_kill * air_eff;
            let exploit_kmh = exploit_base / (1.0 + self.interdiction * air_eff);
            let mut active = false;
            for ((ax, s), _) in self
                .axes
                .iter()
                .zip(st.iter_mut())
                .zip(&self.played)
                .filter(|(_, p)| **p)
            {
                if s.a > 0.0 {
                    // Sorties are apportioned by the planned weight of each axis, so axes do
                    // not interact through the air war (keeps the model monotone).
                    let l = (air_kill * ax.air_share).min(s.a);
                    s.a -= l;
                    out.attacker_lost += l;
                    out.attacker_lost_air += l;
                }
                if s.done {
                    continue;
                }
                if s.committed <= 0.0 || s.a < self.bp_att * s.committed {
                    continue; // culminated (or not yet arrived)
                }
                active = true;
                if s.contact {
                    let de = s.d * ax.line_def[s.line] * self.posture_factor * f_def;
                    let ae = s.a * f_att * s.f_axis * self.attacker_air_mult;
                    let r = ae / de.max(1e-9);
                    let (la, ld) = if w == 1.0 {
                        (self.ca * de, self.cd * ae)
                    } else {
                        (
                            self.ca * s.a.powf(1.0 - w) * de.powf(w),
                            self.cd * s.d.powf(1.0 - w) * ae.powf(w),
                        )
                    };
                    let la = la.min(s.a);
                    let ld = ld.min(s.d);
                    s.a -= la;
                    s.d -= ld;
                    out.attacker_lost += la;
                    out.defender_lost += ld;
                    if s.line + 1 < ax.line_pos.len() {
                        let v = self.advance(r) * ax.leg_speed[s.line + 1];
                        s.x = (s.x + v).min(ax.line_pos[s.line + 1]);
                    }
                    if s.d <= (1.0 - s.bp) * s.d0 || r >= self.overrun {
                        // The line breaks.
                        if let Some(o) = ax.line_obj[s.line] {
                            fall(&mut out.fall_hours, o, t_end);
                        }
                        let survivors = s.d * self.retreat;
                        out.defender_lost += s.d - survivors;
                        s.d = 0.0;
                        s.d0 = 0.0;
                        s.contact = false;
                        s.line += 1;
                        if s.line >= ax.line_pos.len() {
                            s.done = true;
                        } else {
                            s.pool[s.line] += survivors;
                            if s.x >= ax.line_pos[s.line] {
                                s.enter_line(ax, t_end, &mut out.fall_hours);
                            }
                        }
                    }
                } else {
                    let v = exploit_kmh * ax.leg_speed[s.line];
                    s.x += v;
                    if s.x >= ax.line_pos[s.line] {
                        s.x = ax.line_pos[s.line];
                        s.enter_line(ax, t_end, &mut out.fall_hours);
                    }
                }
            }
            if !active && !pending_attack {
                break;
            }
            if self.stop_when_quick && self.is_quick_so_far(&out.fall_hours) {
                break;
            }
        }
        // Defenders still in contact or waiting are not lost.
        out
    }
}

#[derive(Clone, Debug, Default)]
struct AxState {
    f_axis: f64,
    bp: f64,
    /// Defender combat power waiting at each line.
    pool: Vec<f64>,
    /// Front position, km.
    x: f64,
    /// Current line index (being fought or approached).
    line: usize,
    contact: bool,
    done: bool,
    a: f64,
    committed: f64,
    d: f64,
    d0: f64,
    ai: usize,
    di: usize,
}

impl AxState {
    /// The attacker reaches `self.line`: fight if defended, else take its objective and
    /// continue toward the next line.
    fn enter_line(&mut self, ax: &CAxis, t: f32, fall_hours: &mut [f32]) {
        loop {
            let pool = self.pool[self.line];
            if pool > 0.0 {
                self.contact = true;
                self.d = pool;
                self.d0 = pool;
                self.pool[self.line] = 0.0;
                return;
            }
            if let Some(o) = ax.line_obj[self.line] {
                fall(fall_hours, o, t);
            }
            self.line += 1;
            if self.line >= ax.line_pos.len() {
                self.done = true;
                return;
            }
            if self.x < ax.line_pos[self.line] {
                return;
            }
        }
    }
}

/// [`Compiled::air_by_step`] of a posture whose attacker has `att_ad` air-defence battalions.
fn air_by_step(p: &Posture, att_ad: f64) -> Vec<(f64, f64)> {
    let (initial, ramp) = (p.air.nato_initial_fraction, p.air.nato_ramp_hours);
    let iads0 = p.air.iads_per_bn * att_ad;
    (0..p.horizon_hours.ceil() as usize)
        .map(|step| {
            let t = step as f64;
            let avail = if ramp > 0.0 {
                initial + (1.0 - initial) * (t / ramp).min(1.0)
            } else {
                1.0
            };
            (avail, 1.0 + iads0 * (-t / p.air.sead_hours).exp())
        })
        .collect()
}

fn fall(fall_hours: &mut [f32], o: usize, t: f32) {
    if t < fall_hours[o] {
        fall_hours[o] = t;
    }
}

/// Seed of replication `index` of a run with `seed` (SplitMix64 mixing of both), so results
/// do not depend on how replications are split across threads.
pub fn replication_seed(seed: u64, index: u64) -> u64 {
    splitmix64(splitmix64(seed) ^ splitmix64(index.wrapping_add(0x9E37_79B9_7F4A_7C15)))
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
