//! In-process deadlines: turn a call that never returns into a failure that
//! says what was being waited for, instead of a bare kill by the grader.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::{Failure, Stop};

/// Runs `f` on its own thread and waits at most `limit` for it.
///
/// On expiry the check fails with a message naming `what`; the stuck thread is
/// abandoned (the check process exits right after reporting). A panic in `f`
/// is re-raised here so the harness reports it as usual.
pub fn within<T, F>(limit: Duration, what: impl AsRef<str>, f: F) -> Result<T, Stop>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let what = what.as_ref();
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name(format!("check: {what}"))
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let _ = tx.send(outcome);
        })
        .map_err(|e| {
            Stop::Fail(Failure::new(crate::t!(
                "could not start a thread: {e}",
                "스레드를 시작할 수 없습니다: {e}"
            )))
        })?;
    match rx.recv_timeout(limit) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(payload)) => std::panic::resume_unwind(payload),
        Err(_) => {
            let seconds = limit.as_secs_f64();
            Err(Stop::Fail(Failure::new(crate::t!(
                "{what} did not return within {seconds:.1} s: a likely deadlock (threads waiting \
                 for each other), a lost wake-up, or a thread that never finishes",
                "{what}이(가) {seconds:.1}초 안에 반환하지 않았습니다: 교착 상태(서로를 기다리는 \
                 스레드), 놓친 깨우기 신호, 또는 끝나지 않는 스레드가 의심됩니다"
            ))))
        }
    }
}

/// Polls `cond` every 2 ms until it holds or `patience` has passed, and
/// says whether it held: for a check waiting to see another thread blocked
/// (or moved on) without a hook into the answer's code.
pub fn eventually(patience: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < patience {
        if cond() {
            return true;
        }
        thread::sleep(Duration::from_millis(2));
    }
    cond()
}
