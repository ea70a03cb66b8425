//! The probe child of the 02-processes checks: a program whose behaviour the
//! check controls through its arguments.
//!
//! ```text
//! processes-probe RULE... <i>
//! RULE    = SELECTOR=ACTION[,ACTION...]     SELECTOR = * | an index
//! ACTION  = print | echo | exit:CODE | kill | hang | sleep:MS | flood:LINES
//!         | rendezvous:DIR:K:PATIENCE_MS
//! ```
//!
//! The last argument is the child's index; the first rule whose selector is
//! that index (or else the first `*` rule) gives the actions, run in order.
//! Every probe first records its pid in `pids/<i>` (relative to the cwd, the
//! check's scratch directory), so the check can tell whether it was reaped.
//!
//! `rendezvous` proves that K probes were alive at the same time: each one
//! files an arrival in DIR/arrived and waits until K arrived (then writes
//! DIR/met) or until its patience runs out (then writes DIR/gave-up). A probe
//! that finds either marker stops waiting at once, so a sequential answer
//! costs one patience, not one per child. Arrivals are counted before the
//! gave-up marker is checked, and a probe only exits after writing a marker,
//! so DIR/met exists only if K probes were alive at one moment.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((index, rules)) = args.split_last() else {
        eprintln!("processes-probe: no index");
        return ExitCode::from(90);
    };
    let _ = fs::create_dir_all("pids");
    let _ = fs::write(format!("pids/{index}"), std::process::id().to_string());

    let actions = rules
        .iter()
        .filter_map(|rule| rule.split_once('='))
        .find(|(selector, _)| selector == index)
        .or_else(|| {
            rules
                .iter()
                .filter_map(|rule| rule.split_once('='))
                .find(|(selector, _)| *selector == "*")
        })
        .map(|(_, actions)| actions)
        .unwrap_or("print");

    let mut out = std::io::stdout().lock();
    for action in actions.split(',') {
        let parts: Vec<&str> = action.split(':').collect();
        let number = |k: usize| -> u64 { parts.get(k).and_then(|p| p.parse().ok()).unwrap_or(0) };
        match parts[0] {
            "print" => {
                let _ = writeln!(out, "child {index}");
            }
            "echo" => {
                let _ = writeln!(out, "args {}", args.join(" "));
            }
            "exit" => {
                let _ = out.flush();
                return ExitCode::from(number(1) as u8);
            }
            "kill" => {
                let _ = out.flush();
                // SAFETY: plain syscalls on our own process.
                unsafe {
                    libc::kill(libc::getpid(), libc::SIGKILL);
                }
            }
            "hang" => {
                let _ = out.flush();
                std::thread::sleep(Duration::from_secs(3600));
            }
            "sleep" => std::thread::sleep(Duration::from_millis(number(1))),
            "flood" => {
                for line in 0..number(1) {
                    if writeln!(out, "{line:015}").is_err() {
                        return ExitCode::from(91);
                    }
                }
            }
            "rendezvous" => {
                let _ = out.flush();
                rendezvous(
                    Path::new(parts.get(1).copied().unwrap_or("rv")),
                    number(2) as usize,
                    Duration::from_millis(number(3)),
                    index,
                );
            }
            other => {
                eprintln!("processes-probe: unknown action `{other}`");
                return ExitCode::from(92);
            }
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}

fn rendezvous(dir: &Path, parties: usize, patience: Duration, index: &str) {
    let arrived = dir.join("arrived");
    let _ = fs::create_dir_all(&arrived);
    let _ = fs::write(arrived.join(format!("{index}-{}", std::process::id())), b"");
    let started = Instant::now();
    loop {
        if dir.join("met").exists() || dir.join("gave-up").exists() {
            return;
        }
        let count = fs::read_dir(&arrived).map(|d| d.count()).unwrap_or(0);
        if count >= parties && !dir.join("gave-up").exists() {
            mark(&dir.join("met"));
            return;
        }
        if started.elapsed() >= patience {
            mark(&dir.join("gave-up"));
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn mark(path: &Path) {
    let _ = OpenOptions::new().write(true).create_new(true).open(path);
}
