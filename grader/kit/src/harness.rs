//! The `main` of every check program: parse the arguments, run one check in
//! this process, catch what student code throws, and report the verdict.
//!
//! One check per process is deliberate: a deadlock, abort or stack overflow in
//! student code then costs exactly one check, and the grader can kill the
//! process group without losing the verdicts of other checks.

use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::Mutex;

use threadlings_schema::protocol::{Message, Verdict};

use crate::{CheckResult, Ctx, Stop, channel};

/// The signature of a check function.
pub type CheckFn = fn(&mut Ctx) -> CheckResult;

/// The message `todo!()` panics with; seeing it means the task is still a stub.
const TODO_MESSAGE: &str = "not yet implemented";

/// Panics seen in any thread, as (message, location), in order.
static PANICS: Mutex<Vec<(String, Option<String>)>> = Mutex::new(Vec::new());

const USAGE: &str = "usage: <check-program> --list | <check-name> [--seed N]";

/// Runs the check named on the command line and reports its verdict.
pub fn run_main(checks: &[(&'static str, CheckFn)]) -> ExitCode {
    channel::open();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--list") => {
            for (name, _) in checks {
                println!("{name}");
            }
            ExitCode::SUCCESS
        }
        Some(name) => {
            let Some(&(name, check)) = checks.iter().find(|(known, _)| *known == name) else {
                eprintln!("unknown check `{name}`\n{USAGE}");
                return ExitCode::from(2);
            };
            let seed = match parse_seed(&args[1..]) {
                Ok(seed) => seed,
                Err(message) => {
                    eprintln!("{message}\n{USAGE}");
                    return ExitCode::from(2);
                }
            };
            run_one(name, check, seed);
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse_seed(args: &[String]) -> Result<u64, String> {
    match args {
        [] => Ok(0),
        [flag, value] if flag == "--seed" => value
            .parse()
            .map_err(|_| format!("--seed takes a number, got `{value}`")),
        _ => Err(format!("unexpected arguments {args:?}")),
    }
}

fn run_one(name: &'static str, check: CheckFn, seed: u64) {
    install_panic_recorder();
    channel::send(Message::Started {
        check: name.to_string(),
        seed,
    });
    let mut ctx = Ctx::new(name, seed);
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| check(&mut ctx)));
    let verdict = match outcome {
        Ok(Ok(())) => Verdict::Passed,
        Ok(Err(Stop::Skip(reason))) => Verdict::Skipped { reason },
        Ok(Err(Stop::Fail(failure))) => match todo_panic() {
            Some(message) => Verdict::NotStarted { message },
            None => Verdict::Failed(failure),
        },
        Err(payload) => {
            let message = payload_message(payload.as_ref());
            let location = last_location_of(&message);
            if message.starts_with(TODO_MESSAGE) {
                Verdict::NotStarted { message }
            } else {
                Verdict::Panicked { message, location }
            }
        }
    };
    channel::send(Message::Finished {
        check: name.to_string(),
        verdict,
    });
}

/// Records every panic (in any thread) so a failure caused by a stub in a
/// worker thread is still reported as "not started", and so panics carry the
/// location the default hook would print.
fn install_panic_recorder() {
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let message = payload_message(info.payload());
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        if let Ok(mut panics) = PANICS.lock() {
            panics.push((message, location));
        }
        default_hook(info);
    }));
}

fn payload_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}

fn todo_panic() -> Option<String> {
    let panics = PANICS.lock().ok()?;
    panics
        .iter()
        .find(|(message, _)| message.starts_with(TODO_MESSAGE))
        .map(|(message, location)| match location {
            Some(location) => format!("{message} (at {location})"),
            None => message.clone(),
        })
}

fn last_location_of(message: &str) -> Option<String> {
    let panics = PANICS.lock().ok()?;
    panics
        .iter()
        .rev()
        .find(|(seen, _)| seen == message)
        .and_then(|(_, location)| location.clone())
}
