//! The built-in architectures, embedded from `architectures/*.toml` at the project root so
//! that `detente show NAME` prints exactly the file a user can copy and edit.

/// A built-in architecture.
#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    pub name: &'static str,
    pub summary: &'static str,
    pub toml: &'static str,
}

/// All built-ins, the baseline first.
pub static BUILTINS: &[Builtin] = &[
    Builtin {
        name: "baseline",
        summary: "Post-war Europe as the seeds describe it: deterrence without dialogue, a vague ceasefire, 2023-24 figures",
        toml: include_str!("../../../architectures/baseline.toml"),
    },
    Builtin {
        name: "two-pronged",
        summary: "Seed 000: porcupine Ukraine, augmented deterrence by denial, European spending at 2.5-3 % of GDP",
        toml: include_str!("../../../architectures/two-pronged.toml"),
    },
    Builtin {
        name: "break-the-ice",
        summary: "Seed 003: hotlines, incidents code, exercise notification, managed connectivity under export controls, a formal ceasefire",
        toml: include_str!("../../../architectures/break-the-ice.toml"),
    },
    Builtin {
        name: "combined",
        summary: "Both: the two-pronged deterrence posture with the break-the-ice risk reduction",
        toml: include_str!("../../../architectures/combined.toml"),
    },
    Builtin {
        name: "cold-war",
        summary: "Historical setting, 1949-1989: NATO and the USSR, hotline from 1963, INCSEA and SALT from 1972 (hindcasts)",
        toml: include_str!("../../../architectures/cold-war.toml"),
    },
    Builtin {
        name: "post-cold-war",
        summary: "Historical setting, 1990-2021: NATO and Russia, arms control, Vienna Documents, dialogue from 1997 (hindcasts)",
        toml: include_str!("../../../architectures/post-cold-war.toml"),
    },
    Builtin {
        name: "war-in-ukraine",
        summary: "Historical setting, 2022-2025: Russia at war with Ukraine, NATO supplying it, hybrid attacks, no NATO-Russia war (hindcasts)",
        toml: include_str!("../../../architectures/war-in-ukraine.toml"),
    },
];

/// The built-in architecture called `name`.
pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}
