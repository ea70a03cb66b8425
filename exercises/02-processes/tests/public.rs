//! Public tests of exercise 02-processes: `cargo test -p processes`.
//!
//! They start the exercise's own child program, `process_handler`
//! (src/bin/process_handler.rs). The hidden checks ask for more.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use processes::{ProcessError, run_all, run_all_checked, run_one, run_with_deadline, supervise};

fn handler() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_process_handler"))
}

/// Runs `f`, failing the test (instead of hanging) if it takes longer than `secs`.
fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let worker = thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sends before it ends"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not return within {secs} s: a deadlock?")
        }
    }
}

#[test]
fn run_one_returns_pid_status_and_output() {
    let got = within(20, "run_one", || {
        run_one(handler(), &["--sleep-ms", "0", "7"])
    })
    .expect("process_handler runs");
    assert!(got.status.success(), "status: {:?}", got.status);
    let want = format!("process 7: pid {}, ", got.pid);
    assert!(
        got.stdout.starts_with(&want),
        "stdout {:?} should start with {want:?}",
        got.stdout
    );
}

#[test]
fn run_one_returns_a_failing_status_as_it_is() {
    let got = within(20, "run_one", || {
        run_one(handler(), &["--sleep-ms", "0", "--fail", "1", "1"])
    })
    .expect("a failing exit status is not an error in run_one");
    assert_eq!(got.status.code(), Some(3));
}

#[test]
fn run_one_reads_more_output_than_a_pipe_holds() {
    let got = within(20, "run_one with 20000 lines of output", || {
        run_one(handler(), &["--sleep-ms", "0", "--lines", "20000", "0"])
    })
    .expect("process_handler runs");
    assert_eq!(got.stdout.lines().count(), 20_001);
    assert!(got.stdout.ends_with("process 0: line 19999\n"));
}

#[test]
fn run_one_on_a_missing_program_is_an_error() {
    let got = within(20, "run_one", || {
        run_one(Path::new("/no/such/program"), &[])
    });
    assert!(got.is_err());
}

#[test]
fn run_all_returns_results_in_index_order() {
    let got = within(20, "run_all", || {
        run_all(handler(), &["--sleep-ms", "10"], 5)
    })
    .expect("process_handler runs");
    assert_eq!(got.len(), 5);
    for (i, finished) in got.iter().enumerate() {
        let want = format!("process {i}: pid {}, ", finished.pid);
        assert!(finished.stdout.starts_with(&want), "{:?}", finished.stdout);
        assert!(finished.status.success());
    }
}

#[test]
fn processes_do_not_share_memory() {
    let got = within(20, "run_all", || {
        run_all(handler(), &["--sleep-ms", "0"], 5)
    })
    .expect("process_handler runs");
    // Each child added 1 to its own copy of COUNTER...
    for finished in &got {
        assert!(
            finished.stdout.contains("counter 1"),
            "{:?}",
            finished.stdout
        );
    }
    // ...and ours was never touched.
    assert_eq!(processes::COUNTER.load(Ordering::SeqCst), 0);
}

#[test]
fn run_all_runs_the_children_at_the_same_time() {
    // No clock: each child waits in a rendezvous directory until all 5 have
    // arrived there (`--meet`), which only children alive at once can do. A
    // slow machine only makes them meet later, never miss.
    let dir = std::env::temp_dir().join(format!("processes-meet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the rendezvous directory");
    let meet_dir = dir.to_string_lossy().into_owned();
    let got = within(40, "run_all", move || {
        run_all(handler(), &["--sleep-ms", "0", "--meet", &meet_dir, "5"], 5)
    });
    let _ = std::fs::remove_dir_all(&dir);
    let got = got.expect("process_handler runs");
    for finished in &got {
        assert!(
            finished.stdout.contains(": met 5"),
            "the 5 children never ran at the same time (start them all, then wait for them): {:?}",
            finished.stdout
        );
    }
}

#[test]
fn run_all_checked_reports_the_failed_child() {
    let got = within(20, "run_all_checked", || {
        run_all_checked(handler(), &["--sleep-ms", "0", "--fail", "2"], 4)
    });
    match got {
        Err(ProcessError::Failed { index, status, .. }) => {
            assert_eq!(index, 2);
            assert_eq!(status.code(), Some(3));
        }
        other => panic!("expected Failed for child 2, got {other:?}"),
    }
    let ok = within(20, "run_all_checked", || {
        run_all_checked(handler(), &["--sleep-ms", "0"], 3)
    });
    assert_eq!(ok.expect("every child succeeds").len(), 3);
}

#[test]
fn run_with_deadline_kills_a_child_that_overruns() {
    let started = Instant::now();
    let got = within(20, "run_with_deadline", || {
        run_with_deadline(
            handler(),
            &["--sleep-ms", "60000", "0"],
            Duration::from_millis(300),
        )
    });
    assert!(
        matches!(got, Err(ProcessError::TimedOut { index: 0, .. })),
        "{got:?}"
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[test]
fn run_with_deadline_returns_a_child_that_ends_in_time() {
    let got = within(20, "run_with_deadline", || {
        run_with_deadline(
            handler(),
            &["--sleep-ms", "0", "4"],
            Duration::from_secs(10),
        )
    })
    .expect("the child ends in time");
    assert!(got.stdout.starts_with("process 4: "), "{:?}", got.stdout);
}

#[test]
fn supervise_reports_each_child() {
    let got = within(20, "supervise", || {
        supervise(
            handler(),
            &["--sleep-ms", "0", "--fail", "1"],
            3,
            Duration::from_secs(10),
        )
    });
    assert_eq!(got.len(), 3);
    assert!(got[0].is_ok(), "{:?}", got[0]);
    assert!(
        matches!(got[1], Err(ProcessError::Failed { index: 1, .. })),
        "{:?}",
        got[1]
    );
    assert!(got[2].is_ok(), "{:?}", got[2]);
}
