//! The seven pathways from a post-war crisis to a NATO-Russia war (brief, element 8). Each
//! pathway is a trigger process in the event layer and a label on every crisis and war it
//! starts, so outcomes can be attributed to the pathway that began them.

/// A pathway to war. The discriminant indexes per-pathway arrays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pathway {
    /// (a) Gray-zone incident, assertive response, cyber attacks, readiness, US long-range systems, preemption.
    GrayZone = 0,
    /// (b) Snap exercise read as attack preparation, preemptive strike by a Baltic state.
    SnapExercise = 1,
    /// (c) A second Russia-Ukraine war spilling over.
    UkraineSpillover = 2,
    /// (d) Belarus unrest, Russian intervention, border mobilisation, Kaliningrad surge.
    Belarus = 3,
    /// (e) Contestation over Moldova or Georgia.
    MoldovaGeorgia = 4,
    /// (f) A deliberate, opportunistic limited attack when the alliance frays.
    DeliberateAttack = 5,
    /// (g) Hybrid attacks on infrastructure.
    Hybrid = 6,
}

/// Number of pathways.
pub const PATHWAY_COUNT: usize = 7;

impl Pathway {
    /// All pathways in index order.
    pub const ALL: [Pathway; PATHWAY_COUNT] = [
        Pathway::GrayZone,
        Pathway::SnapExercise,
        Pathway::UkraineSpillover,
        Pathway::Belarus,
        Pathway::MoldovaGeorgia,
        Pathway::DeliberateAttack,
        Pathway::Hybrid,
    ];

    /// Index into per-pathway arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The pathway's name as used in files and JSON (`gray_zone`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Pathway::GrayZone => "gray_zone",
            Pathway::SnapExercise => "snap_exercise",
            Pathway::UkraineSpillover => "ukraine_spillover",
            Pathway::Belarus => "belarus",
            Pathway::MoldovaGeorgia => "moldova_georgia",
            Pathway::DeliberateAttack => "deliberate_attack",
            Pathway::Hybrid => "hybrid",
        }
    }

    /// A one-line description with the brief's letter.
    pub fn label(self) -> &'static str {
        match self {
            Pathway::GrayZone => "(a) gray-zone incident -> assertive response -> preemption",
            Pathway::SnapExercise => "(b) snap exercise misread -> Baltic preemptive strike",
            Pathway::UkraineSpillover => "(c) second Russia-Ukraine war spills over",
            Pathway::Belarus => "(d) Belarus unrest -> Russian intervention -> Kaliningrad surge",
            Pathway::MoldovaGeorgia => "(e) Moldova or Georgia",
            Pathway::DeliberateAttack => "(f) deliberate limited attack when the alliance frays",
            Pathway::Hybrid => "(g) hybrid attacks on infrastructure",
        }
    }

    /// Look a pathway up by its name.
    pub fn from_name(name: &str) -> Option<Pathway> {
        Pathway::ALL.into_iter().find(|p| p.name() == name)
    }
}
