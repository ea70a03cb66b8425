//! The worker process the checks of `cpu_processes` hand to student code.
//! The task index always comes last, as `cpu_processes` promises to pass it:
//!
//! - `gil-worker crunch SEED ROUNDS i`: prints `crunch(SEED ^ i, ROUNDS)`;
//! - `gil-worker meet DIR N PATIENCE_MS i`: marks itself started in DIR, then
//!   waits (polling, at most PATIENCE_MS) until N workers have started, and
//!   prints 1 if they all met, 0 if it gave up (and then the later ones give
//!   up at once): a rendezvous that only processes running at the same time
//!   can complete;
//! - `gil-worker fail i`: exits with status 3 without printing;
//! - `gil-worker garbage i`: prints something that is not a number.

#[path = "../crunch.rs"]
mod crunch;

use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| -> u64 {
        args.get(i).and_then(|a| a.parse().ok()).unwrap_or_else(|| {
            panic!(
                "{}",
                threadlings_kit::t!(
                    "gil-worker: argument {i} must be a number: {args:?}",
                    "gil-worker: 인자 {i}은(는) 숫자여야 합니다: {args:?}"
                )
            )
        })
    };
    match args.first().map(String::as_str) {
        Some("crunch") => {
            let (seed, rounds, i) = (number(1), number(2), number(3));
            println!("{}", crunch::crunch(seed ^ i, rounds));
        }
        Some("meet") => {
            let dir = std::path::Path::new(&args[1]);
            let (n, patience, i) = (number(2), number(3), number(4));
            std::fs::write(dir.join(format!("started-{i}")), b"").expect("mark started");
            let until = Instant::now() + Duration::from_millis(patience);
            let gave_up = dir.join("gave-up");
            let met = loop {
                let started = std::fs::read_dir(dir).map_or(0, |d| {
                    d.filter_map(Result::ok)
                        .filter(|e| e.file_name().to_string_lossy().starts_with("started-"))
                        .count() as u64
                });
                if started >= n {
                    break true;
                }
                // One worker waiting out the patience is proof enough: the
                // ones started after it need not wait again.
                if gave_up.exists() {
                    break false;
                }
                if Instant::now() >= until {
                    let _ = std::fs::write(&gave_up, b"");
                    break false;
                }
                std::thread::sleep(Duration::from_millis(2));
            };
            println!("{}", u64::from(met));
        }
        Some("fail") => std::process::exit(3),
        Some("garbage") => println!("not a number"), // data: the output cpu_processes must reject
        _ => {
            eprintln!("usage: gil-worker crunch|meet|fail|garbage ... i");
            std::process::exit(2);
        }
    }
}
