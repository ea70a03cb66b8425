//! The kit hidden checks are written with.
//!
//! A check program is a binary that links one exercise (whichever sources are
//! being graded) and this kit. The kit owns everything the grader relies on:
//! argument handling, the tamper-resistant result channel, catching panics and
//! `todo!()` stubs, seeded randomness, and probes that prove concurrency
//! structurally (without trusting the clock). Check authors write plain
//! functions `fn(&mut Ctx) -> CheckResult` and list them with [`checks!`].

mod assert;
pub mod audit;
mod channel;
mod ctx;
mod harness;
pub mod lin;
pub mod litmus;
pub mod probe;
pub mod race;
pub mod timing;
mod tripwire;
mod watchdog;
pub mod words;

pub use ctx::Ctx;
pub use harness::{CheckFn, run_main};
pub use threadlings_schema::protocol::Failure;
pub use watchdog::{eventually, within};

/// The facade's instrumentation is process-wide: unit tests that switch it
/// on take this first, so they never switch it off under each other.
#[cfg(test)]
pub(crate) static INSTRUMENT_SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Why a check stopped before passing.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// The answer is wrong.
    Fail(Failure),
    /// The check cannot judge on this machine; it scores neither way.
    Skip(String),
    /// The kit's own skip, its reason as data (the grader words it in the
    /// report's language; its English is `KitSkip::to_english`). Scores
    /// neither way, as [`Stop::Skip`].
    KitSkip(threadlings_schema::report::KitSkip),
}

impl From<Failure> for Stop {
    fn from(failure: Failure) -> Self {
        Stop::Fail(failure)
    }
}

/// What every check function returns.
pub type CheckResult = Result<(), Stop>;

/// Declares the checks of a check program and generates its `main`.
///
/// ```ignore
/// threadlings_kit::checks![results_in_worker_order, panicking_worker_is_reported];
/// ```
#[macro_export]
macro_rules! checks {
    ($($check:ident),+ $(,)?) => {
        fn main() -> ::std::process::ExitCode {
            $crate::run_main(&[$((stringify!($check), $check as $crate::CheckFn)),+])
        }
    };
}
