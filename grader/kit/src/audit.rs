//! Lock-mode audits: checks that hold an answer to what its contract says
//! about *which* locks an operation takes, not only to what it returns.
//!
//! The course facade records every acquisition (see
//! `threadlings::instrument::audit`), so a check can assert "this operation
//! takes read locks only" ([`read_locks_only`]) or "no lock is held while
//! this callback runs" ([`HeldWhile`]). A violation fails the check with the
//! lock and the mode seen ("`peek(&7)` must take read locks only, but it
//! took the write lock of rwlock #1 (protecting HashMap<u32, ...>, created at
//! src/lib.rs:96:20)"). An answer whose locks bypass the facade is invisible
//! here, which is why the checks using this are `race` checks: the grader
//! refuses to grade them on such an answer (see the facade scan).

use std::sync::{Arc, Mutex, PoisonError};

use threadlings::instrument::{self, Acquisition, Config};

use crate::{CheckResult, Failure, Stop};

/// Runs `f` (one operation of the answer, on the current thread) and fails
/// if it took any lock exclusively: a mutex or an rwlock's write lock.
/// `what` names the operation in the report (`cache.peek(&7)`).
pub fn read_locks_only<R>(what: impl AsRef<str>, f: impl FnOnce() -> R) -> Result<R, Stop> {
    let what = what.as_ref();
    let _on = Tracking::on();
    let (value, seen) = instrument::audit(f);
    if let Some(first) = seen.iter().find(|a| a.exclusive) {
        return Err(Stop::Fail(
            Failure::new(crate::t!(
                "{what} must take read locks only, but it took {first}: readers that \
                 could share the lock wait for each other instead",
                "{what}은(는) 읽기 락만 잡아야 하는데 {first}을(를) 잡았습니다: 락을 함께 \
                 잡을 수 있는 읽는 스레드들이 대신 서로를 기다리게 됩니다"
            ))
            .expected(crate::t!("read locks only", "읽기 락만"))
            .actual(describe(&seen)),
        ));
    }
    Ok(value)
}

/// Watches, from inside a callback the answer runs (a `compute` function, a
/// job), that the calling thread holds no lock then; [`HeldWhile::check`]
/// fails afterwards with the first lock seen held. Cloned into the callback.
#[derive(Debug, Clone)]
pub struct HeldWhile {
    what: String,
    seen: Arc<Mutex<Option<String>>>,
}

impl HeldWhile {
    /// A watch for callbacks named `what` in the report ("`compute`").
    pub fn new(what: impl AsRef<str>) -> HeldWhile {
        let what = what.as_ref();
        HeldWhile {
            what: what.to_string(),
            seen: Arc::new(Mutex::new(None)),
        }
    }

    /// Call at the start of the callback: notes the locks the calling
    /// thread holds (the first offence is kept).
    pub fn observe(&self) {
        let held = instrument::held_now();
        if !held.is_empty() {
            let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
            seen.get_or_insert_with(|| describe(&held));
        }
    }

    /// Fails if any callback ran with a lock held. Needs the
    /// instrumentation on while the callbacks ran ([`Tracking::on`]).
    pub fn check(&self) -> CheckResult {
        let seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        match &*seen {
            None => Ok(()),
            Some(held) => Err(Stop::Fail(
                Failure::new(crate::t!(
                    "no lock may be held while {} runs, but its thread held {held}",
                    "{}이(가) 실행되는 동안에는 어떤 락도 쥐고 있으면 안 되는데, 그 스레드가 \
                     {held}을(를) 쥐고 있었습니다",
                    self.what
                ))
                .expected(crate::t!("no lock held", "쥔 락 없음"))
                .actual(held.clone()),
            )),
        }
    }
}

/// Keeps the facade's lock registry on (without timing perturbation) while
/// it lives, unless instrumentation was on already.
#[must_use = "the registry is on only while the guard lives"] // data: a compiler warning for the check author, never in a report
pub struct Tracking {
    switched_on: bool,
}

impl Tracking {
    /// Switches the registry on if it is off.
    pub fn on() -> Tracking {
        let switched_on = !instrument::is_enabled();
        if switched_on {
            instrument::enable(Config::registry_only());
        }
        Tracking { switched_on }
    }
}

impl Drop for Tracking {
    fn drop(&mut self) {
        if self.switched_on {
            instrument::disable();
        }
    }
}

/// "the read lock of rwlock #1 (...), then the write lock of rwlock #2 (...)".
fn describe(seen: &[Acquisition]) -> String {
    if seen.is_empty() {
        return "no lock".to_string();
    }
    seen.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", then ")
}

#[cfg(test)]
#[cfg(not(any(loom, shuttle)))]
mod tests {
    use threadlings::sync::{Mutex, RwLock};

    use super::{HeldWhile, read_locks_only};
    use crate::Stop;

    /// Instrumentation is process-wide: one audit (or stress run) at a time.
    use crate::INSTRUMENT_SERIAL as SERIAL;

    #[test]
    fn a_write_lock_where_read_locks_belong_fails_with_the_lock_and_mode() {
        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let table = RwLock::new(vec![1_u32, 2, 3]);
        let read = read_locks_only("sum()", || table.read().unwrap().iter().sum::<u32>());
        assert_eq!(read, Ok(6));
        let Err(Stop::Fail(failure)) =
            read_locks_only("sum()", || table.write().unwrap().iter().sum::<u32>())
        else {
            panic!("a write lock must fail the audit");
        };
        assert!(
            failure.message.starts_with(
                "sum() must take read locks only, but it took the write lock of rwlock #"
            ) && failure.message.contains("protecting Vec<u32>"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn a_lock_held_around_a_callback_is_named() {
        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let _on = super::Tracking::on();
        let watch = HeldWhile::new("compute");
        let state = Mutex::new(0_u32);
        watch.observe();
        assert_eq!(watch.check(), Ok(()));
        {
            let _guard = state.lock().unwrap();
            watch.observe();
        }
        let Err(Stop::Fail(failure)) = watch.check() else {
            panic!("a held mutex must fail");
        };
        assert!(
            failure.message.starts_with(
                "no lock may be held while compute runs, but its thread held the lock of mutex #"
            ),
            "{}",
            failure.message
        );
    }
}
