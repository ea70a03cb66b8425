//! The check author's words in both of the course's languages.
//!
//! Everything a check says to a student in its own words (a failure, a
//! scenario's name, an invariant, a skip's reason, a timing label) is
//! written with [`t!`](crate::t): the English and the Korean side by side,
//! formatted with the same values. `t!` returns the English `String`, so every
//! kit API and the JSON report keep the English they always had; the pair is
//! sent to the grader once per process (a [`Message::Words`] line), and the
//! grader words the human and HTML reports in Korean by replacing the English
//! where it appears in that check's report (`grader/src/report/words.rs`).
//! Writing both at one call site means a reworded sentence cannot silently
//! lose its translation, and `format!`'s "argument never used" error catches
//! a translation that drops a value. A test (grader/tests/korean.rs) fails on
//! an English sentence in a check crate that is not inside `t!`.

use std::collections::HashSet;
use std::sync::Mutex;

use threadlings_schema::protocol::Message;

/// English sentences already sent to the grader by this process.
static SENT: Mutex<Option<HashSet<String>>> = Mutex::new(None);

/// The most pairs one check sends: a check that formats a fresh sentence in
/// a loop must not flood the channel (later sentences stay English).
const MOST_PAIRS: usize = 2_000;

/// Records that `ko` is the Korean of `en` and returns `en`. Called by
/// [`t!`](crate::t); rarely useful on its own.
pub fn both(en: String, ko: String) -> String {
    if crate::channel::to_grader() {
        let mut sent = SENT.lock().unwrap_or_else(|poison| poison.into_inner());
        let sent = sent.get_or_insert_with(HashSet::new);
        if sent.len() < MOST_PAIRS && !sent.contains(&en) {
            sent.insert(en.clone());
            crate::channel::send(Message::Words { en: en.clone(), ko });
        }
    }
    en
}

/// The check author's words in English and Korean, formatted with the same
/// arguments; evaluates to the English `String`.
///
/// ```ignore
/// ensure!(total == expected, t!(
///     "after {threads} threads the total must be {expected}",
///     "스레드 {threads}개가 끝난 뒤 합계는 {expected}이어야 합니다",
/// ));
/// let what = t!("{} transfers", "이체 {}번", rounds);
/// ```
///
/// Arguments after the two format strings are passed to both (positional
/// `{0}`, named `name = value` and inline `{name}` all work; the Korean may
/// use them in another order), so each is evaluated once per language: pass
/// values, not calls with side effects.
#[macro_export]
macro_rules! t {
    ($en:literal, $ko:literal $(,)?) => {
        $crate::words::both(::std::format!($en), ::std::format!($ko))
    };
    ($en:literal, $ko:literal, $($arg:tt)+) => {
        $crate::words::both(::std::format!($en, $($arg)+), ::std::format!($ko, $($arg)+))
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn t_formats_both_languages_and_returns_the_english() {
        let n = 3;
        let english = crate::t!("{n} threads, {} rounds", "스레드 {n}개, {}라운드", 5);
        assert_eq!(english, "3 threads, 5 rounds");
        let reordered = crate::t!("{0} then {1}", "{1} 다음 {0}", "a", "b");
        assert_eq!(reordered, "a then b");
    }

    fn failing(ok: bool, n: u32) -> crate::CheckResult {
        crate::ensure!(ok, t!("{n} was wrong", "{n}이(가) 틀렸습니다"));
        Ok(())
    }

    #[test]
    fn the_assertion_macros_take_a_t() {
        match failing(false, 4) {
            Err(crate::Stop::Fail(failure)) => assert_eq!(failure.message, "4 was wrong"),
            other => panic!("{other:?}"),
        }
        assert!(failing(true, 4).is_ok());
    }
}
