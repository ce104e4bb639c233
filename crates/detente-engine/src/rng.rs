//! Random streams. Every run has its own independent streams, one per random process
//! (ceasefire, triggers, crises, the war's course, parameter draws; the event-driven sampler
//! of `events.rs` uses two, the war's course and the triggers' for everything else), derived
//! from the ensemble seed and the run's index alone. So a run's result never depends on which
//! thread ran it, and two architectures run with the same seed share their random numbers run
//! by run (common random numbers), which keeps paired differences free of needless noise.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used throughout the engine.
pub type EngineRng = Xoshiro256PlusPlus;

/// One random process within a run.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    Ceasefire = 1,
    Triggers = 2,
    Crises = 3,
    Parameters = 4,
    Extra = 5,
    /// The war's course after the first clash (its own stream, so the others stay aligned
    /// across architectures whatever the war does).
    War = 6,
    /// What a run remembers: tension shed and a Belarus succession, two draws a month.
    Memory = 7,
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator for `stream` of run `run` in an ensemble seeded with `seed`.
pub fn stream_rng(seed: u64, run: u64, stream: Stream) -> EngineRng {
    let key =
        splitmix64(splitmix64(seed) ^ splitmix64(run.wrapping_mul(8).wrapping_add(stream as u64)));
    EngineRng::seed_from_u64(key)
}
