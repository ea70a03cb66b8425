//! The `main` of every check program: parse the arguments, run one check in
//! this process, catch what student code throws, and report the verdict.
//!
//! One check per process is deliberate: a deadlock, abort or stack overflow in
//! student code then costs exactly one check, and the grader can kill the
//! process group without losing the verdicts of other checks.

use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::Mutex;

use threadlings_schema::budget::Budget;
use threadlings_schema::protocol::{Failure, Message, Verdict};

use crate::{CheckResult, Ctx, Stop, channel};

/// The signature of a check function.
pub type CheckFn = fn(&mut Ctx) -> CheckResult;

/// The message `todo!()` panics with; seeing it means the task is still a stub.
const TODO_MESSAGE: &str = "not yet implemented"; // data: compared with the panic message of `todo!()`

/// Panics seen in any thread, as (message, location), in order.
static PANICS: Mutex<Vec<(String, Option<String>)>> = Mutex::new(Vec::new());

const USAGE: &str = "usage: <check-program> --list | <check-name> [--seed N] \
     [--budget key=value,...] [--shared]";

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
            // `--shared`: the grader runs this check beside others, so no
            // clock-deciding proof may run (see `timing::claim_machine`).
            let (shared, options): (Vec<&String>, Vec<&String>) =
                args[1..].iter().partition(|arg| *arg == "--shared");
            let options: Vec<String> = options.into_iter().cloned().collect();
            if !shared.is_empty() {
                crate::timing::run_shared();
            }
            let (seed, budget) = match parse_options(&options) {
                Ok(options) => options,
                Err(message) => {
                    eprintln!("{message}\n{USAGE}");
                    return ExitCode::from(2);
                }
            };
            run_one(name, check, seed, budget);
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `--seed N` (default 0) and `--budget key=value,...` (default none), in
/// any order, each at most once.
fn parse_options(args: &[String]) -> Result<(u64, Budget), String> {
    let mut seed = None;
    let mut budget = None;
    let mut rest = args;
    while let [flag, value, tail @ ..] = rest {
        match flag.as_str() {
            "--seed" if seed.is_none() => {
                seed = Some(value.parse().map_err(|_| {
                    crate::t!(
                        "--seed takes a number, got `{value}`",
                        "--seed에는 숫자를 주어야 하는데 `{value}`이(가) 주어졌습니다"
                    )
                })?);
            }
            "--budget" if budget.is_none() => {
                budget = Some(Budget::parse(value).map_err(|e| format!("--budget: {e}"))?);
            }
            _ => break,
        }
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(format!("unexpected arguments {args:?}"));
    }
    Ok((seed.unwrap_or(0), budget.unwrap_or_default()))
}

fn run_one(name: &'static str, check: CheckFn, seed: u64, budget: Budget) {
    install_panic_recorder();
    channel::send(Message::Started {
        check: name.to_string(),
        seed,
    });
    let mut ctx = Ctx::new(name, seed).with_budget(budget);
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| check(&mut ctx)));
    let verdict = match outcome {
        // The metadata sized something this check never runs.
        Ok(Ok(())) if ctx.budget_unread() => Verdict::Failed(unread_budget(&ctx)),
        Ok(Ok(())) => Verdict::Passed,
        Ok(Err(Stop::Skip(reason))) => Verdict::Skipped { reason, kit: None },
        Ok(Err(Stop::KitSkip(kit))) => Verdict::Skipped {
            reason: kit.to_english(),
            kit: Some(kit),
        },
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
    let opened = crate::tripwire::take();
    if !opened.is_empty() {
        channel::send(Message::Tampered {
            check: name.to_string(),
            opened,
        });
    }
    channel::send(Message::Finished {
        check: name.to_string(),
        verdict,
    });
}

fn unread_budget(ctx: &Ctx) -> Failure {
    let budget = ctx
        .budget()
        .to_string()
        .replace(',', ", ")
        .replace('=', " = ");
    Failure::new(crate::t!(
        "metadata error: check `{}` has `budget = {{ {} }}` in its checks.toml, but it runs no \
         stress run, exploration or model that uses a budget",
        "메타데이터 오류: 검사 `{0}`의 checks.toml 항목에 `budget = {{ {1} }}`이(가) 있지만, \
         이 검사는 budget을 쓰는 스트레스 실행, 스케줄 탐색, 모델 검사를 하나도 실행하지 \
         않습니다",
        ctx.name(),
        budget
    ))
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
        crate::t!(
            "a panic with a non-string payload",
            "문자열이 아닌 페이로드를 가진 패닉"
        )
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

#[cfg(test)]
mod tests {
    use threadlings_schema::budget::Budget;

    use super::parse_options;

    fn parse(args: &[&str]) -> Result<(u64, Budget), String> {
        parse_options(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn seed_and_budget_are_read_in_any_order() {
        assert_eq!(parse(&[]), Ok((0, Budget::default())));
        let budget = Budget::parse("rounds=300,max_ms=5000").unwrap();
        assert_eq!(
            parse(&["--seed", "7", "--budget", "rounds=300,max_ms=5000"]),
            Ok((7, budget))
        );
        assert_eq!(
            parse(&["--budget", "max_ms=5000,rounds=300", "--seed", "7"]),
            Ok((7, budget))
        );
    }

    #[test]
    fn bad_options_are_usage_errors() {
        assert!(
            parse(&["--budget", "rounds=0"])
                .unwrap_err()
                .contains("at least 1")
        );
        assert!(
            parse(&["--budget", "turns=3"])
                .unwrap_err()
                .contains("`turns`")
        );
        assert!(parse(&["--seed", "1", "--seed", "2"]).is_err());
        assert!(parse(&["--budget"]).is_err());
        assert!(parse(&["--seed", "x"]).is_err());
    }
}
