//! Public tests of exercise 13-ipc: `cargo test -p ipc`.
//!
//! They use the exercise's own worker program, `ipc_worker`
//! (src/bin/ipc_worker.rs). The hidden checks ask for more.

use std::io::Cursor;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use ipc::{Answer, PoolConfig, Shutdown, Task, TaskError};

fn worker() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_ipc_worker"))
}

/// Runs `f`, failing the test (instead of hanging) if it takes longer than `secs`.
fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let runner = thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Disconnected) => match runner.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the runner sends before it ends"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not return within {secs} s: a deadlock?")
        }
    }
}

fn config(workers: usize) -> PoolConfig {
    PoolConfig {
        workers,
        task_deadline: Duration::from_secs(10),
        max_attempts: 2,
        grace: Duration::from_secs(2),
    }
}

#[test]
fn messages_survive_the_trip_newlines_included() {
    let task = Task {
        id: 3,
        input: "two\nlines \"quoted\"".to_string(),
    };
    let answer = Answer {
        id: 3,
        output: String::new(),
    };
    let mut bytes = Vec::new();
    ipc::write_message(&mut bytes, &task).unwrap();
    ipc::write_message(&mut bytes, &answer).unwrap();
    let mut input = Cursor::new(bytes);
    assert_eq!(ipc::read_message::<Task>(&mut input).unwrap(), Some(task));
    assert_eq!(
        ipc::read_message::<Answer>(&mut input).unwrap(),
        Some(answer)
    );
    assert_eq!(ipc::read_message::<Task>(&mut input).unwrap(), None);
}

#[test]
fn a_cut_message_is_an_error() {
    let mut bytes = Vec::new();
    ipc::write_message(
        &mut bytes,
        &Task {
            id: 1,
            input: "hello".to_string(),
        },
    )
    .unwrap();
    bytes.truncate(bytes.len() - 1);
    assert!(ipc::read_message::<Task>(&mut Cursor::new(bytes)).is_err());
}

#[test]
fn serve_answers_every_task_in_order() {
    let mut input = Vec::new();
    for (id, text) in [(10, "a"), (11, "b\nc")] {
        let task = Task {
            id,
            input: text.to_string(),
        };
        ipc::write_message(&mut input, &task).unwrap();
    }
    let mut output = Vec::new();
    ipc::serve(Cursor::new(input), &mut output, |text| text.to_uppercase()).unwrap();
    let mut answers = Cursor::new(output);
    for (id, text) in [(10, "A"), (11, "B\nC")] {
        let answer = ipc::read_message::<Answer>(&mut answers).unwrap();
        assert_eq!(
            answer,
            Some(Answer {
                id,
                output: text.to_string()
            })
        );
    }
}

#[test]
fn filter_through_moves_more_than_a_pipe_holds() {
    let input: Vec<u8> = b"abcdefghij\n".repeat(100_000); // 1.1 MB
    let want = input.to_ascii_uppercase();
    let got = within(20, "filter_through with 1 MB", move || {
        ipc::filter_through(worker(), &["--filter"], &input)
    })
    .expect("ipc_worker --filter runs");
    assert!(got == want, "got {} bytes, want {}", got.len(), want.len());
}

#[test]
fn shutdown_lets_workers_exit_when_their_input_ends() {
    let children = (0..2)
        .map(|_| {
            Command::new(worker())
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let ends = within(20, "shutdown", move || {
        ipc::shutdown(children, Duration::from_secs(5))
    })
    .unwrap();
    assert_eq!(ends.len(), 2);
    for end in ends {
        assert!(
            matches!(end, Shutdown::Exited(status) if status.success()),
            "{end:?}"
        );
    }
}

#[test]
fn start_worker_passes_answers_on_then_none() {
    within(20, "start_worker", || {
        let mut w = ipc::start_worker(worker(), &[]).expect("ipc_worker starts");
        let stdin = w.child.stdin.as_mut().expect("stdin is piped");
        let task = Task {
            id: 1,
            input: "upper hi\nthere".to_string(),
        };
        ipc::write_message(stdin, &task).unwrap();
        std::io::Write::flush(stdin).unwrap();
        let answer = w.answers.recv().expect("the reader sends every answer");
        assert_eq!(
            answer,
            Some(Answer {
                id: 1,
                output: "HI\nTHERE".to_string()
            })
        );
        // Closing stdin ends the worker; its stdout ends; the reader says None.
        drop(w.child.stdin.take());
        assert_eq!(w.answers.recv().ok(), Some(None));
        w.reader.join().expect("the reader thread ends");
        assert!(w.child.wait().unwrap().success());
    });
}

#[test]
fn ask_gives_the_answer_or_what_went_wrong() {
    within(20, "ask", || {
        let mut w = ipc::start_worker(worker(), &[]).expect("ipc_worker starts");
        let square = Task {
            id: 7,
            input: "square 12".to_string(),
        };
        assert_eq!(
            ipc::ask(&mut w, &square, Duration::from_secs(5)),
            Ok("144".to_string())
        );
        let hang = Task {
            id: 8,
            input: "hang".to_string(),
        };
        assert_eq!(
            ipc::ask(&mut w, &hang, Duration::from_millis(200)),
            Err(TaskError::TimedOut)
        );
        ipc::discard(w);
        let mut w = ipc::start_worker(worker(), &[]).expect("ipc_worker starts");
        let crash = Task {
            id: 9,
            input: "crash".to_string(),
        };
        assert_eq!(
            ipc::ask(&mut w, &crash, Duration::from_secs(5)),
            Err(TaskError::Crashed)
        );
        ipc::discard(w);
    });
}

#[test]
fn pool_squares_numbers_in_order() {
    let inputs: Vec<String> = (0..20).map(|n| format!("square {n}")).collect();
    let report = within(30, "run_pool", move || {
        ipc::run_pool(worker(), &[], &config(3), &inputs)
    })
    .unwrap();
    let want: Vec<Result<String, TaskError>> =
        (0..20_u64).map(|n| Ok((n * n).to_string())).collect();
    assert_eq!(report.results, want);
    assert_eq!(report.attempts, vec![1; 20]);
    assert_eq!(report.workers_started, 3);
}

#[test]
fn pool_gives_up_a_task_that_always_crashes() {
    let inputs = vec!["square 3".to_string(), "crash".to_string()];
    let report = within(30, "run_pool", move || {
        ipc::run_pool(worker(), &[], &config(2), &inputs)
    })
    .unwrap();
    assert_eq!(
        report.results,
        vec![Ok("9".to_string()), Err(TaskError::Crashed)]
    );
    assert_eq!(report.attempts, vec![1, 2]);
    assert_eq!(report.workers_started, 4);
}

#[test]
fn pool_kills_a_worker_that_hangs() {
    let inputs = vec!["hang".to_string(), "square 4".to_string()];
    let mut config = config(2);
    config.task_deadline = Duration::from_millis(300);
    config.max_attempts = 1;
    let report = within(30, "run_pool", move || {
        ipc::run_pool(worker(), &[], &config, &inputs)
    })
    .unwrap();
    assert_eq!(
        report.results,
        vec![Err(TaskError::TimedOut), Ok("16".to_string())]
    );
}

#[test]
fn costs_are_measured() {
    let threads = ipc::time_threads(4, || thread::sleep(Duration::from_millis(20)));
    assert!(threads >= Duration::from_millis(20), "{threads:?}");
    let processes = within(20, "time_processes", || {
        ipc::time_processes(worker(), &["--exit"], 4)
    })
    .unwrap();
    assert!(processes > Duration::ZERO);
    let data = vec![0_u8; 100_000];
    let (_, received) = ipc::time_channel(&data, 4096);
    assert_eq!(received, 100_000);
    let (_, counted) = within(20, "time_pipe", move || {
        ipc::time_pipe(worker(), &["--sink"], &data, 4096)
    })
    .unwrap();
    assert_eq!(counted, 100_000);
}
