//! Where panics happened, for failure messages ("panicked at src/lib.rs:57:38").

use std::panic;
use std::sync::{Mutex, Once};

/// (message, location) of recent panics, newest last.
static SEEN: Mutex<Vec<(String, Option<String>)>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

/// Chains a hook that remembers each panic's location (once per process).
pub(crate) fn record() {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            // The kit's own panic that carries a violation out of a checker
            // is reported as a failure, not as a panic with a backtrace.
            if info.payload().is::<Violated>() {
                return;
            }
            // Only places in the answer are worth showing: not loom's or
            // std's insides, not the check's own assertions.
            let location = info
                .location()
                .filter(|l| {
                    let file = l.file();
                    !(file.contains("/registry/src/")
                        || file.starts_with("/rustc/")
                        || file.contains("/grader/checks/")
                        || file.contains("/grader/kit/"))
                })
                .map(|l| format!("{}:{}:{}", short(l.file()), l.line(), l.column()));
            if let Ok(mut seen) = SEEN.try_lock() {
                if seen.len() >= 64 {
                    seen.remove(0);
                }
                seen.push((text(info.payload()), location));
            }
            previous(info);
        }));
    });
}

/// A scenario's violation, raised as a panic to stop a checker's execution
/// (shuttle stops one only on a panic).
#[cfg_attr(not(shuttle), allow(dead_code))] // constructed only in the shuttle build
pub(crate) struct Violated(pub crate::race::Violation);

/// Where the latest panic with this message happened.
pub(crate) fn location_of(message: &str) -> Option<String> {
    let seen = SEEN.lock().ok()?;
    seen.iter()
        .rev()
        .find(|(m, _)| m == message)
        .and_then(|(_, location)| location.clone())
}

/// A panic's message and, when known, where in the answer it happened (the
/// data [`describe`] words in English).
pub(crate) fn panic_of(message: &str) -> threadlings_schema::report::RacePanic {
    threadlings_schema::report::RacePanic {
        message: message.trim_end().to_string(),
        location: location_of(message),
        hint: None,
    }
}

/// The text of a panic payload.
pub(crate) fn text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        crate::t!(
            "a panic with a non-string payload",
            "문자열이 아닌 페이로드를 가진 패닉"
        )
    }
}

/// `.../exercises/05-condvar/src/lib.rs` → `src/lib.rs`.
fn short(file: &str) -> &str {
    match file.rfind("/src/") {
        Some(at) => &file[at + 1..],
        None => file,
    }
}
