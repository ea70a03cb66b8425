//! The probe child of the 13-ipc checks: a worker (and a few other children)
//! whose behaviour the check controls. It speaks the student's framing
//! (`ipc::read_message` / `ipc::write_message`) but none of the student's
//! other code, so a pool check depends on the framing and the pool only.
//!
//! ```text
//! ipc-probe worker         answer tasks until stdin ends; task inputs below
//! ipc-probe ignore-eof     read stdin to the end, then hang (a straggler)
//! ipc-probe filter [FAIL]  copy stdin to stdout upper-cased as it arrives;
//!                          then exit with status FAIL (default 0)
//! ipc-probe noop MS        sleep MS milliseconds, exit
//! ipc-probe sink MS        read stdin to the end, record the byte count in
//!                          ./sink-count, sleep MS, print the count, exit
//! ```
//!
//! Worker task inputs: `echo:X`, `square:N`, `sleep:MS:X`, `crash` (dies
//! without answering), `crash-once:NAME:X` (dies the first time a worker
//! sees NAME, answers X after), `hang`, `rendezvous:DIR:K:PATIENCE_MS`
//! (answers `met` or `missed`), `wait-file:PATH:PATIENCE_MS` (answers `seen`
//! or `missed`), `touch:PATH` (creates PATH, answers `touched`).
//!
//! Every probe records its pid as the file `pids/<pid>` first thing.

use std::fs::{self, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use ipc::{Answer, Task};
use threadlings_kit::t;

fn main() {
    let _ = fs::create_dir_all("pids");
    let _ = fs::write(format!("pids/{}", std::process::id()), b"");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |k: usize| -> u64 { args.get(k).and_then(|a| a.parse().ok()).unwrap_or(0) };
    match args.first().map(String::as_str) {
        Some("worker") => worker(),
        Some("ignore-eof") => {
            let _ = io::copy(&mut io::stdin().lock(), &mut io::sink());
            std::thread::sleep(Duration::from_secs(3600));
        }
        Some("filter") => {
            filter();
            std::process::exit(number(1) as i32);
        }
        Some("noop") => std::thread::sleep(Duration::from_millis(number(1))),
        Some("sink") => {
            let mut count = 0_usize;
            let mut buffer = vec![0_u8; 64 * 1024];
            let mut input = io::stdin().lock();
            while let Ok(n) = input.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                count += n;
            }
            let _ = fs::write("sink-count", count.to_string());
            std::thread::sleep(Duration::from_millis(number(1)));
            println!("{count}");
        }
        other => {
            eprintln!(
                "{}",
                t!(
                    "ipc-probe: unknown mode {other:?}",
                    "ipc-probe: 알 수 없는 모드 {other:?}"
                )
            );
            std::process::exit(90);
        }
    }
}

fn worker() {
    let mut input = BufReader::new(io::stdin().lock());
    let mut output = io::stdout().lock();
    loop {
        let task: Task = match ipc::read_message(&mut input) {
            Ok(Some(task)) => task,
            Ok(None) => return,
            Err(e) => {
                eprintln!(
                    "{}",
                    t!(
                        "ipc-probe worker: cannot read a task: {e}",
                        "ipc-probe worker: 작업을 읽을 수 없습니다: {e}"
                    )
                );
                std::process::exit(91);
            }
        };
        let answer = Answer {
            id: task.id,
            output: work(&task.input),
        };
        if ipc::write_message(&mut output, &answer).is_err() || output.flush().is_err() {
            std::process::exit(92);
        }
    }
}

fn work(input: &str) -> String {
    let parts: Vec<&str> = input.split(':').collect();
    let number = |k: usize| -> u64 { parts.get(k).and_then(|p| p.parse().ok()).unwrap_or(0) };
    let text = |k: usize| parts.get(k).copied().unwrap_or("").to_string();
    match parts[0] {
        "echo" => input["echo:".len()..].to_string(),
        "square" => (number(1) * number(1)).to_string(),
        "sleep" => {
            std::thread::sleep(Duration::from_millis(number(1)));
            text(2)
        }
        "crash" => die(),
        "crash-once" => {
            let _ = fs::create_dir_all("crashed");
            let first = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(Path::new("crashed").join(text(1)))
                .is_ok();
            if first {
                die();
            }
            text(2)
        }
        "hang" => loop {
            std::thread::sleep(Duration::from_secs(3600));
        },
        "rendezvous" => {
            let met = rendezvous(
                Path::new(&text(1)),
                number(2) as usize,
                Duration::from_millis(number(3)),
            );
            if met { "met" } else { "missed" }.to_string()
        }
        "wait-file" => {
            let deadline = Instant::now() + Duration::from_millis(number(2));
            loop {
                if Path::new(&text(1)).exists() {
                    return "seen".to_string();
                }
                if Instant::now() >= deadline {
                    return "missed".to_string();
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        "touch" => {
            let _ = fs::write(text(1), b"");
            "touched".to_string()
        }
        _ => format!("unknown task {input:?}"), // data: the probe's answer to the pool
    }
}

/// Dies at once, without a word: like a segfault in the middle of a task.
fn die() -> ! {
    // SAFETY: plain syscalls on our own process.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
    unreachable!(
        "{}",
        t!("SIGKILL cannot be caught", "SIGKILL은 가로챌 수 없습니다")
    )
}

fn filter() {
    let mut input = io::stdin().lock();
    let mut output = io::stdout().lock();
    loop {
        let chunk = match input.fill_buf() {
            Ok(chunk) if !chunk.is_empty() => chunk,
            _ => return,
        };
        let upper = chunk.to_ascii_uppercase();
        let len = chunk.len();
        input.consume(len);
        if output
            .write_all(&upper)
            .and_then(|()| output.flush())
            .is_err()
        {
            return;
        }
    }
}

/// The file rendezvous of the 02-processes probe: `DIR/met` is only written
/// while `parties` probes are alive at once (see that probe for why).
fn rendezvous(dir: &Path, parties: usize, patience: Duration) -> bool {
    let arrived = dir.join("arrived");
    let _ = fs::create_dir_all(&arrived);
    let _ = fs::write(arrived.join(std::process::id().to_string()), b"");
    let started = Instant::now();
    loop {
        if dir.join("met").exists() {
            return true;
        }
        if dir.join("gave-up").exists() {
            return false;
        }
        let count = fs::read_dir(&arrived).map(|d| d.count()).unwrap_or(0);
        if count >= parties && !dir.join("gave-up").exists() {
            mark(&dir.join("met"));
            return true;
        }
        if started.elapsed() >= patience {
            mark(&dir.join("gave-up"));
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn mark(path: &Path) {
    let _ = OpenOptions::new().write(true).create_new(true).open(path);
}
