//! Built-in postures. `posture-2016`: the forces in and near the Baltic states in 2016, before
//! NATO's enhanced Forward Presence battlegroups — Baltic light infantry and home guards, a US
//! airborne company in each state, Polish and Lithuanian mechanised units near the Suwałki gap,
//! reinforcements from the 173rd Airborne Brigade, 2nd Cavalry Regiment and the VJTF.
//! `posture-2025`: the battlegroups (UK-led in Estonia, Canada-led brigade in Latvia,
//! German-led in Lithuania with the German 45th Panzer Brigade ramping up), the US rotational
//! armoured battalion, grown national forces, Finland and Sweden in NATO, the Baltic Defence
//! Line. The attacker — a limited-grab force drawn from the Western (now Leningrad and Moscow)
//! Military District, Belarus and Kaliningrad — is the same in both, so the comparison isolates
//! the defence. Every figure is listed with its source or "assumption" and a range in
//! `docs/campaign.md`; they are approximations of public reporting, not intelligence.

use crate::posture::{
    AirParams, Axis, Leg, ModelParams, Posture, QuickSuccess, Terrain, Unit, UnitKind,
};

/// Built-in postures: name and one-line description.
pub const NAMES: &[(&str, &str)] = &[
    (
        "posture-2016",
        "Baltic forces, US companies and nearby NATO units in 2016, before the forward battlegroups",
    ),
    (
        "posture-2025",
        "Forward battlegroups/brigade, German brigade ramping up, national forces as of 2025",
    ),
];

/// A built-in posture by name.
pub fn builtin(name: &str) -> Option<Posture> {
    match name {
        "posture-2016" => Some(posture_2016()),
        "posture-2025" => Some(posture_2025()),
        _ => None,
    }
}

fn leg(to: &str, km: f64, terrain: Terrain) -> Leg {
    Leg {
        to: to.into(),
        km,
        terrain,
    }
}

fn axes() -> Vec<Axis> {
    vec![
        Axis {
            name: "narva-tallinn".into(),
            legs: vec![
                leg("Narva", 5.0, Terrain::Urban),
                leg("Tallinn", 205.0, Terrain::Mixed),
            ],
        },
        Axis {
            name: "pskov-tartu".into(),
            legs: vec![
                leg("Tartu", 85.0, Terrain::Mixed),
                leg("Tallinn", 185.0, Terrain::Mixed),
            ],
        },
        Axis {
            name: "pskov-riga".into(),
            legs: vec![
                leg("Rezekne", 55.0, Terrain::Forest),
                leg("Riga", 235.0, Terrain::Mixed),
            ],
        },
        Axis {
            name: "belarus-daugavpils".into(),
            legs: vec![leg("Daugavpils", 30.0, Terrain::Mixed)],
        },
        Axis {
            name: "grodno-suwalki".into(),
            legs: vec![leg("Suwalki corridor", 50.0, Terrain::Forest)],
        },
    ]
}

/// Shorthand for a unit.
fn u(
    name: &str,
    kind: UnitKind,
    battalions: f64,
    readiness: f64,
    axis: &str,
    position: &str,
    arrival_hour: f64,
) -> Unit {
    Unit {
        name: name.into(),
        kind,
        battalions,
        readiness,
        axis: axis.into(),
        position: position.into(),
        arrival_hour,
    }
}

use UnitKind::{
    AirDefence as AD, Airborne as AB, Artillery as ART, Light as LI, MotorRifle as MR, Tank as TK,
    Territorial as TER,
};

const NT: &str = "narva-tallinn";
const PT: &str = "pskov-tartu";
const PR: &str = "pskov-riga";
const BD: &str = "belarus-daugavpils";
const GS: &str = "grodno-suwalki";
const F: &str = "forward";

/// The limited-grab force (same in both built-ins).
fn attacker() -> Vec<Unit> {
    vec![
        u("6th Army tank battalions", TK, 3.0, 0.85, NT, F, 0.0),
        u("6th Army motor-rifle battalions", MR, 5.0, 0.85, NT, F, 0.0),
        u("6th Army artillery", ART, 3.0, 0.9, NT, F, 0.0),
        u("6th Army air defence", AD, 1.0, 0.9, NT, F, 0.0),
        u("76th Guards Air Assault Division", AB, 4.0, 0.9, PT, F, 0.0),
        u("motor-rifle battalions (Pskov)", MR, 2.0, 0.85, PT, F, 0.0),
        u("artillery (Pskov)", ART, 2.0, 0.9, PT, F, 0.0),
        u(
            "1st Guards Tank Army tank battalions",
            TK,
            3.0,
            0.85,
            PR,
            F,
            0.0,
        ),
        u(
            "1st Guards Tank Army motor-rifle battalions",
            MR,
            5.0,
            0.85,
            PR,
            F,
            0.0,
        ),
        u("1st Guards Tank Army artillery", ART, 3.0, 0.9, PR, F, 0.0),
        u(
            "theatre air defence (S-300/S-400, Pantsir)",
            AD,
            3.0,
            0.9,
            PR,
            F,
            0.0,
        ),
        u(
            "motor-rifle battalions via Belarus",
            MR,
            2.0,
            0.8,
            BD,
            F,
            0.0,
        ),
        u("artillery via Belarus", ART, 1.0, 0.85, BD, F, 0.0),
        u(
            "tank battalion (Grodno / Kaliningrad)",
            TK,
            1.0,
            0.85,
            GS,
            F,
            0.0,
        ),
        u(
            "motor-rifle battalions (Grodno / Kaliningrad)",
            MR,
            3.0,
            0.85,
            GS,
            F,
            0.0,
        ),
        u(
            "artillery (Grodno / Kaliningrad)",
            ART,
            2.0,
            0.9,
            GS,
            F,
            0.0,
        ),
        u("air defence (Kaliningrad)", AD, 1.0, 0.9, GS, F, 0.0),
        u("second echelon, Tallinn axis", MR, 2.0, 0.8, NT, F, 72.0),
        u(
            "second echelon, Riga axis (tank)",
            TK,
            1.0,
            0.8,
            PR,
            F,
            72.0,
        ),
        u(
            "second echelon, Riga axis (motor-rifle)",
            MR,
            2.0,
            0.8,
            PR,
            F,
            72.0,
        ),
    ]
}

/// Order in which added brigades go to the axes in 2016: the two capitals' direct axes first
/// (RAND 2016 saw both fall within 36-60 hours).
fn add_priority() -> Vec<String> {
    [PR, NT, PT, GS, BD].iter().map(|s| s.to_string()).collect()
}

/// Order in 2025: the Pskov-Tartu axis first, because against the 2025 posture the remaining
/// risk to Tallinn runs almost entirely through Tartu (this model: Tartu falls in about 98 % of
/// runs while Riga holds), then the capitals' direct axes.
fn add_priority_2025() -> Vec<String> {
    [PT, PR, NT, GS, BD].iter().map(|s| s.to_string()).collect()
}

/// Forces in and near the Baltic states in 2016.
pub fn posture_2016() -> Posture {
    let defender = vec![
        // Estonia
        u(
            "Estonian 1st Infantry Brigade (Viru bn)",
            LI,
            1.0,
            0.6,
            NT,
            F,
            0.0,
        ),
        u("Kaitseliit, Ida-Viru", TER, 2.0, 0.5, NT, F, 0.0),
        u("Estonian artillery", ART, 0.5, 0.6, NT, F, 0.0),
        u(
            "US airborne company (Atlantic Resolve), Estonia",
            LI,
            0.33,
            0.9,
            NT,
            F,
            0.0,
        ),
        u(
            "Estonian 1st Infantry Brigade (Scouts, Kalev)",
            LI,
            1.0,
            0.7,
            NT,
            "Tallinn",
            0.0,
        ),
        u("Kaitseliit, Harju", TER, 2.0, 0.5, NT, "Tallinn", 0.0),
        u("Kaitseliit, South Estonia", TER, 1.5, 0.5, PT, F, 0.0),
        u(
            "Estonian reservists at Tartu",
            LI,
            1.0,
            0.5,
            PT,
            "Tartu",
            0.0,
        ),
        u(
            "Estonian 2nd Infantry Brigade (mobilised)",
            LI,
            2.0,
            0.5,
            NT,
            F,
            72.0,
        ),
        // Latvia
        u(
            "Latvian Mechanised Infantry Brigade (1 bn)",
            LI,
            1.0,
            0.6,
            PR,
            F,
            0.0,
        ),
        u("Zemessardze, Latgale", TER, 2.0, 0.5, PR, F, 0.0),
        u(
            "Latvian Mechanised Infantry Brigade (1 bn)",
            LI,
            0.5,
            0.6,
            PR,
            "Rezekne",
            0.0,
        ),
        u(
            "Latvian Mechanised Infantry Brigade (1 bn)",
            LI,
            1.0,
            0.7,
            PR,
            "Riga",
            0.0,
        ),
        u("Zemessardze, Riga", TER, 2.0, 0.5, PR, "Riga", 0.0),
        u(
            "US airborne company (Atlantic Resolve), Latvia",
            LI,
            0.33,
            0.9,
            PR,
            F,
            0.0,
        ),
        u("Latvian artillery", ART, 0.5, 0.6, PR, F, 0.0),
        u("Zemessardze, Daugavpils", TER, 1.0, 0.5, BD, F, 0.0),
        // Lithuania and Poland, Suwałki gap
        u("Lithuanian Iron Wolf Brigade", MR, 2.0, 0.7, GS, F, 0.0),
        u("Lithuanian motorised infantry", LI, 1.0, 0.6, GS, F, 0.0),
        u(
            "US airborne company (Atlantic Resolve), Lithuania",
            LI,
            0.33,
            0.9,
            GS,
            F,
            0.0,
        ),
        u("Polish 15th Mechanised Brigade", MR, 2.0, 0.6, GS, F, 0.0),
        u(
            "Polish 15th Mechanised Brigade (tank bn)",
            TK,
            1.0,
            0.6,
            GS,
            F,
            0.0,
        ),
        u("Lithuanian / Polish artillery", ART, 1.0, 0.6, GS, F, 0.0),
        u("Baltic short-range air defence", AD, 0.5, 0.6, PR, F, 0.0),
        // Reinforcements
        u("US 173rd Airborne Brigade", LI, 2.0, 0.9, NT, F, 48.0),
        u(
            "Polish mechanised reinforcements",
            MR,
            2.0,
            0.7,
            GS,
            F,
            48.0,
        ),
        u(
            "US 2nd Cavalry Regiment (Stryker)",
            MR,
            3.0,
            0.85,
            PR,
            F,
            72.0,
        ),
        u("NATO VJTF lead battalion", LI, 1.0, 0.8, PR, F, 72.0),
        u(
            "US 82nd Airborne (Global Response Force)",
            LI,
            1.0,
            0.9,
            PR,
            F,
            96.0,
        ),
        u("NATO VJTF main body", MR, 2.0, 0.8, NT, F, 168.0),
        u(
            "US armoured brigade (prepositioned stocks)",
            TK,
            2.0,
            0.8,
            PR,
            F,
            336.0,
        ),
        u(
            "US armoured brigade (prepositioned stocks)",
            MR,
            2.0,
            0.8,
            PR,
            F,
            336.0,
        ),
        u("Allied follow-on heavy forces", TK, 2.0, 0.8, NT, F, 500.0),
        u("Allied follow-on heavy forces", MR, 2.0, 0.8, NT, F, 500.0),
    ];
    Posture {
        name: "posture-2016".into(),
        description: NAMES[0].1.into(),
        horizon_hours: 720.0,
        quick_success: QuickSuccess::default(),
        add_priority: add_priority(),
        axes: axes(),
        attacker: attacker(),
        defender,
        air: AirParams {
            nato_kill_cp_per_hour: 0.25,
            nato_initial_fraction: 0.2,
            nato_ramp_hours: 96.0,
            iads_per_bn: 0.15,
            sead_hours: 120.0,
            interdiction_slowdown: 0.4,
            attacker_air_bonus: 0.5,
            defender_ad_per_bn: 0.3,
            opening_strike_loss: 0.1,
        },
        model: ModelParams::default(),
    }
}

/// Forces in and near the Baltic states in 2025.
pub fn posture_2025() -> Posture {
    let defender = vec![
        // Estonia
        u(
            "Estonian 1st Infantry Brigade (CV90 bn)",
            MR,
            1.0,
            0.8,
            NT,
            F,
            0.0,
        ),
        u(
            "Estonian 1st Infantry Brigade (infantry)",
            LI,
            2.0,
            0.75,
            NT,
            F,
            0.0,
        ),
        u("Estonian artillery (K9, HIMARS)", ART, 1.5, 0.8, NT, F, 0.0),
        u("Kaitseliit, Ida-Viru", TER, 3.0, 0.6, NT, F, 0.0),
        u(
            "UK-led eFP battlegroup (Tapa), armour",
            TK,
            0.5,
            0.9,
            NT,
            F,
            0.0,
        ),
        u(
            "UK-led eFP battlegroup (Tapa), infantry",
            MR,
            0.5,
            0.9,
            NT,
            F,
            0.0,
        ),
        u("Kaitseliit, Harju", TER, 2.0, 0.6, NT, "Tallinn", 0.0),
        u("Estonian infantry, South", LI, 1.0, 0.7, PT, F, 0.0),
        u("Kaitseliit, South Estonia", TER, 2.0, 0.6, PT, F, 0.0),
        u(
            "Estonian 2nd Infantry Brigade (mobilised)",
            LI,
            2.0,
            0.6,
            PT,
            F,
            24.0,
        ),
        // Latvia
        u(
            "Latvian Mechanised Infantry Brigade (mech bn)",
            MR,
            1.0,
            0.75,
            PR,
            F,
            0.0,
        ),
        u(
            "Latvian Mechanised Infantry Brigade (infantry)",
            LI,
            2.0,
            0.7,
            PR,
            F,
            0.0,
        ),
        u("Latvian artillery", ART, 1.0, 0.75, PR, F, 0.0),
        u("Zemessardze, Latgale", TER, 3.0, 0.6, PR, F, 0.0),
        u(
            "Multinational Brigade Latvia (Canada-led), armour",
            TK,
            0.5,
            0.85,
            PR,
            F,
            0.0,
        ),
        u(
            "Multinational Brigade Latvia (Canada-led), mechanised",
            MR,
            1.5,
            0.85,
            PR,
            F,
            0.0,
        ),
        u(
            "Multinational Brigade Latvia, artillery",
            ART,
            0.5,
            0.85,
            PR,
            F,
            0.0,
        ),
        u("Zemessardze, Riga", TER, 2.0, 0.6, PR, "Riga", 0.0),
        u("Latvian infantry, Daugavpils", LI, 1.0, 0.7, BD, F, 0.0),
        u("Zemessardze, Daugavpils", TER, 1.0, 0.6, BD, F, 0.0),
        // Lithuania and Poland, Suwałki gap
        u("Lithuanian Iron Wolf Brigade", MR, 2.0, 0.8, GS, F, 0.0),
        u("Lithuanian artillery", ART, 1.0, 0.8, GS, F, 0.0),
        u(
            "German eFP battlegroup / 45th Panzer Brigade (ramping up)",
            TK,
            0.5,
            0.75,
            GS,
            F,
            0.0,
        ),
        u(
            "German eFP battlegroup / 45th Panzer Brigade (ramping up)",
            MR,
            1.0,
            0.75,
            GS,
            F,
            0.0,
        ),
        u(
            "US rotational armoured battalion (Pabrade)",
            TK,
            0.5,
            0.9,
            GS,
            F,
            0.0,
        ),
        u(
            "US rotational armoured battalion (Pabrade)",
            MR,
            0.5,
            0.9,
            GS,
            F,
            0.0,
        ),
        u(
            "Polish 16th Mechanised Division elements",
            MR,
            3.0,
            0.7,
            GS,
            F,
            0.0,
        ),
        u(
            "Polish 16th Mechanised Division elements (tank)",
            TK,
            1.0,
            0.7,
            GS,
            F,
            0.0,
        ),
        u("Polish artillery", ART, 1.5, 0.7, GS, F, 0.0),
        u("US-led eFP battlegroup Poland", MR, 1.0, 0.9, GS, F, 0.0),
        u(
            "Baltic air defence (NASAMS, IRIS-T)",
            AD,
            2.0,
            0.7,
            PR,
            F,
            0.0,
        ),
        // Reinforcements
        u(
            "Allied Reaction Force / JEF light forces",
            LI,
            3.0,
            0.8,
            NT,
            F,
            48.0,
        ),
        u(
            "Allied Reaction Force mechanised",
            MR,
            3.0,
            0.8,
            PR,
            F,
            72.0,
        ),
        u(
            "Polish 18th Mechanised Division",
            TK,
            2.0,
            0.75,
            GS,
            F,
            72.0,
        ),
        u(
            "Polish 18th Mechanised Division",
            MR,
            2.0,
            0.75,
            GS,
            F,
            72.0,
        ),
        u("US 82nd Airborne", LI, 2.0, 0.9, PR, F, 72.0),
        u("Finnish / Swedish brigade", MR, 2.0, 0.8, NT, F, 120.0),
        u(
            "US armoured brigade (prepositioned stocks)",
            TK,
            2.0,
            0.8,
            PR,
            F,
            240.0,
        ),
        u(
            "US armoured brigade (prepositioned stocks)",
            MR,
            2.0,
            0.8,
            PR,
            F,
            240.0,
        ),
        u("Allied follow-on heavy forces", TK, 2.0, 0.8, NT, F, 400.0),
        u("Allied follow-on heavy forces", MR, 2.0, 0.8, NT, F, 400.0),
    ];
    Posture {
        name: "posture-2025".into(),
        description: NAMES[1].1.into(),
        horizon_hours: 720.0,
        quick_success: QuickSuccess::default(),
        add_priority: add_priority_2025(),
        axes: axes(),
        attacker: attacker(),
        defender,
        air: AirParams {
            nato_kill_cp_per_hour: 0.4,
            nato_initial_fraction: 0.35,
            nato_ramp_hours: 72.0,
            iads_per_bn: 0.15,
            sead_hours: 96.0,
            interdiction_slowdown: 0.4,
            attacker_air_bonus: 0.5,
            defender_ad_per_bn: 0.3,
            opening_strike_loss: 0.1,
        },
        model: ModelParams {
            counter_mobility: 0.3,
            ..ModelParams::default()
        },
    }
}
