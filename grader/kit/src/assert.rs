//! Assertion macros that fail a check with a message a student can act on
//! (what was expected, what happened) instead of a bare `assert!` panic.
//!
//! Each takes the message as `format!` arguments or as one
//! [`t!`](crate::t) (the author's words in English and Korean):
//! `ensure!(ok, t!("…", "…", value))`.

/// Fails the check with a formatted message.
#[macro_export]
macro_rules! fail {
    ($($arg:tt)+) => {
        return ::std::result::Result::Err($crate::Stop::Fail($crate::Failure::new($crate::message!($($arg)+))))
    };
}

/// Skips the check (it scores neither way) with a formatted reason.
#[macro_export]
macro_rules! skip {
    ($($arg:tt)+) => {
        return ::std::result::Result::Err($crate::Stop::Skip($crate::message!($($arg)+)))
    };
}

/// Fails the check unless the condition holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            $crate::fail!($($arg)+);
        }
    };
}

/// Fails the check unless `actual == expected`, showing both with `{:?}`.
#[macro_export]
macro_rules! ensure_eq {
    ($actual:expr, $expected:expr, $($arg:tt)+) => {
        match (&$actual, &$expected) {
            (actual, expected) => {
                if actual != expected {
                    return ::std::result::Result::Err($crate::Stop::Fail(
                        $crate::Failure::new($crate::message!($($arg)+))
                            .expected(format!("{:?}", expected))
                            .actual(format!("{:?}", actual)),
                    ));
                }
            }
        }
    };
}

/// The message of [`fail!`] and its kin: one [`t!`](crate::t), or `format!`
/// arguments.
#[doc(hidden)]
#[macro_export]
macro_rules! message {
    (t!($($words:tt)+)) => {
        $crate::t!($($words)+)
    };
    ($($arg:tt)+) => {
        ::std::format!($($arg)+)
    };
}
