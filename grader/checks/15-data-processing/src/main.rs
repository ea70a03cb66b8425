//! Hidden checks of exercise 15-data-processing.
//!
//! The data is a seeded access log made at check time (`data.rs`); nothing is
//! downloaded. Results are compared with the check's own summary, computed by
//! code written independently of the exercise. How the rest is proven:
//! - parallel threads: the check's `fold` meets a `Rendezvous` of `workers`
//!   parties on each worker thread's first chunk: a pipeline that folds one
//!   chunk at a time never fills it, on any machine (structural);
//! - thread speedup: `SpeedupTrial` against the check's own one-thread loop
//!   and its own parallel loop in the same run (skipped with one usable core
//!   or a machine too busy to show any speedup);
//! - processes: the check counts this process's children while the input is
//!   read, and the bytes it wrote (`/proc/self/io` wchar: only the process
//!   variant writes, into pipes);
//! - memory: a streamed input several times larger than the bound, and the
//!   growth of the peak resident memory (`VmHWM`) during the call;
//! - the report: the check's readers time each variant's input from its first
//!   read to its end; a variant cannot have taken less than that, and the
//!   three together cannot have taken longer than the call.

mod data;

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use data::{LogGen, ReadLog, Repeat, Trickle, Watched};
use data_processing::{Summary, Variant};
use rand::Rng;
use threadlings_kit::timing::{
    PATIENCE, Recorder, Rendezvous, SpeedupTrial, cores, ms, require_cores,
};
use threadlings_kit::{CheckResult, Ctx, Failure, Stop, ensure, ensure_eq, fail, within};

threadlings_kit::checks![
    merge_combines_partials,
    chunks_end_at_line_boundaries,
    sequential_summary_is_right,
    threads_summary_is_right,
    processes_summary_is_right,
    threads_run_in_parallel,
    thread_speedup,
    sequential_streams,
    threads_stream,
    processes_stream,
    report_is_measured,
];

const CALL_LIMIT: Duration = Duration::from_secs(20);
const MIB: u64 = 1024 * 1024;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn io_failure(what: &str, e: std::io::Error) -> Stop {
    Stop::Fail(Failure::new(format!("{what} returned an error: {e}")))
}

fn same(got: &Summary, want: &Summary, what: &str) -> CheckResult {
    if let Some(problem) = data::difference(got, want) {
        fail!("{what} gave a wrong summary: {problem}");
    }
    Ok(())
}

/// The worker program the grader built next to this check.
fn worker_program() -> Result<PathBuf, Stop> {
    let program = std::env::current_exe()
        .map_err(|e| Stop::Fail(Failure::new(format!("cannot find this program: {e}"))))?
        .with_file_name("dp_worker");
    ensure!(
        program.exists(),
        "the worker program {} was not built (is src/bin/dp_worker.rs there?)",
        program.display()
    );
    Ok(program)
}

// ---------------------------------------------------------------------------
// Task 1: merge

fn merge_combines_partials(ctx: &mut Ctx) -> CheckResult {
    let seed = ctx.rng().random();
    let data = data::log_bytes(seed, 400 * 1024, true);
    let want = data::own_summary(&data[..]);
    // Cut at random line ends into 2 to 5 parts.
    let parts = ctx.rng().random_range(2..=5);
    let mut cuts = vec![0];
    for _ in 1..parts {
        let at = ctx.rng().random_range(0..data.len());
        let end = data[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |i| at + i + 1);
        cuts.push(end);
    }
    cuts.push(data.len());
    cuts.sort_unstable();
    let partials: Vec<Summary> = cuts
        .windows(2)
        .map(|w| data::own_summary(&data[w[0]..w[1]]))
        .collect();
    let got = within(CALL_LIMIT, "Summary::merge", move || {
        let mut total = Summary::default();
        for partial in partials.into_iter().rev() {
            total.merge(partial);
        }
        total
    })?;
    same(
        &got,
        &want,
        &format!("merging the summaries of {parts} parts of a log"),
    )?;
    let (one, two) = (want.clone(), want.clone());
    let doubled = within(CALL_LIMIT, "Summary::merge", move || {
        let mut twice = one;
        twice.merge(two);
        twice
    })?;
    let mut want_doubled = want.clone();
    data::own_merge(&mut want_doubled, &want);
    same(
        &doubled,
        &want_doubled,
        "merging a summary with itself (every count doubles, slowest_ms stays)",
    )
}

// ---------------------------------------------------------------------------
// Task 2: chunks

/// Random lines of random lengths (some much longer than a chunk).
fn random_lines(rng: &mut impl Rng, lines: usize, chunk: usize, final_newline: bool) -> Vec<u8> {
    let mut data = Vec::new();
    for _ in 0..lines {
        let len = if rng.random_bool(0.05) {
            rng.random_range(chunk..=3 * chunk + 7)
        } else {
            rng.random_range(0..=chunk.min(300))
        };
        data.extend((0..len).map(|_| rng.random_range(b'a'..=b'z')));
        data.push(b'\n');
    }
    if !final_newline {
        data.pop();
    }
    data
}

fn check_chunks(data: &[u8], chunk_bytes: usize, got: &[Vec<u8>], what: &str) -> CheckResult {
    let joined: Vec<u8> = got.concat();
    if joined != data {
        let at = joined
            .iter()
            .zip(data)
            .position(|(a, b)| a != b)
            .unwrap_or(joined.len().min(data.len()));
        fail!(
            "{what}: the chunks put together are not the input ({} bytes instead of {}, first \
             difference at byte {at}): every byte must be in exactly one chunk, in order",
            joined.len(),
            data.len()
        );
    }
    for (i, chunk) in got.iter().enumerate() {
        ensure!(!chunk.is_empty(), "{what}: chunk {i} is empty");
        let last = i + 1 == got.len();
        ensure!(
            last || chunk.ends_with(b"\n"),
            "{what}: chunk {i} of {} does not end with a line end: it cuts a line in two, and \
             each half would be counted as a (malformed) line of its own. Cut after the last \
             `\\n` that fits",
            got.len()
        );
        let line_ends = chunk.iter().filter(|&&b| b == b'\n').count();
        let one_line = line_ends <= 1 && (line_ends == 0 || chunk.ends_with(b"\n"));
        ensure!(
            chunk.len() <= chunk_bytes || one_line,
            "{what}: chunk {i} is {} bytes long with {line_ends} lines, more than chunk_bytes = \
             {chunk_bytes}; only a single line longer than chunk_bytes may make a longer chunk",
            chunk.len()
        );
    }
    Ok(())
}

fn chunks_end_at_line_boundaries(ctx: &mut Ctx) -> CheckResult {
    let mut cases: Vec<(Vec<u8>, usize, String)> = vec![
        (Vec::new(), 16, "an empty input".to_string()),
        (b"\n\n\n".to_vec(), 2, "an input of empty lines".to_string()),
        (
            b"no line end at all".to_vec(),
            4,
            "one line without a line end".to_string(),
        ),
    ];
    for round in 0..6 {
        let chunk = match round {
            0 => 1,
            1 => ctx.rng().random_range(2..16),
            _ => ctx.rng().random_range(16..2048),
        };
        let final_newline = ctx.rng().random_bool(0.5);
        let lines = ctx.rng().random_range(50..400);
        let data = random_lines(ctx.rng(), lines, chunk, final_newline);
        let what = format!(
            "{lines} random lines ({} bytes{}), chunk_bytes = {chunk}",
            data.len(),
            if final_newline {
                ""
            } else {
                ", no final line end"
            }
        );
        cases.push((data, chunk, what));
    }
    for (data, chunk_bytes, what) in cases {
        let seed: u64 = ctx.rng().random();
        let most = ctx.rng().random_range(1..=3 * chunk_bytes);
        let input = data.clone();
        let got = within(CALL_LIMIT, "chunks(..).collect()", move || {
            data_processing::chunks(Trickle::new(&input, seed, most), chunk_bytes)
                .collect::<Result<Vec<Vec<u8>>, _>>()
        })?
        .map_err(|e| io_failure("chunks", e))?;
        check_chunks(&data, chunk_bytes, &got, &format!("chunks of {what}"))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Tasks 3 and 4: summaries

fn sequential_summary_is_right(ctx: &mut Ctx) -> CheckResult {
    for round in 0..2 {
        let seed: u64 = ctx.rng().random();
        let final_newline = round == 0;
        let data = data::log_bytes(seed, 2 * MIB, final_newline);
        let want = data::own_summary(&data[..]);
        let most = ctx.rng().random_range(100..20_000);
        let trickle_seed = ctx.rng().random();
        let got = within(CALL_LIMIT, "summarize_sequential", move || {
            data_processing::summarize_sequential(Trickle::new(&data, trickle_seed, most))
        })?
        .map_err(|e| io_failure("summarize_sequential", e))?;
        same(
            &got,
            &want,
            &format!(
                "summarize_sequential on a 2 MiB log{} read in pieces of up to {most} bytes",
                if final_newline {
                    ""
                } else {
                    " without a final line end"
                }
            ),
        )?;
    }
    Ok(())
}

fn threads_summary_is_right(ctx: &mut Ctx) -> CheckResult {
    for _ in 0..3 {
        let workers = ctx.rng().random_range(1..=6);
        let chunk_bytes = ctx.rng().random_range(64..64 * 1024);
        let seed: u64 = ctx.rng().random();
        let final_newline = ctx.rng().random_bool(0.5);
        let data = data::log_bytes(seed, 3 * MIB / 2, final_newline);
        let want = data::own_summary(&data[..]);
        let most = ctx.rng().random_range(100..100_000);
        let trickle_seed = ctx.rng().random();
        let got = within(CALL_LIMIT, "summarize_threads", move || {
            data_processing::summarize_threads(
                Trickle::new(&data, trickle_seed, most),
                workers,
                chunk_bytes,
            )
        })?
        .map_err(|e| io_failure("summarize_threads", e))?;
        same(
            &got,
            &want,
            &format!(
                "summarize_threads(workers = {workers}, chunk_bytes = {chunk_bytes}) on a \
                 1.5 MiB log"
            ),
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Task 5: processes

fn processes_summary_is_right(ctx: &mut Ctx) -> CheckResult {
    let program = worker_program()?;
    let workers = ctx.rng().random_range(2..=4);
    let seed: u64 = ctx.rng().random();
    let size = 8 * MIB;
    let want = data::own_summary(LogGen::new(seed, size, true));
    let (input, log) = Watched::new(LogGen::new(seed, size, true), true);
    let written_before = data::bytes_written();
    let run = within(CALL_LIMIT, "summarize_processes", move || {
        data_processing::summarize_processes(input, workers, 64 * 1024, &program)
    })?
    .map_err(|e| io_failure("summarize_processes", e))?;
    let written = data::bytes_written()
        .zip(written_before)
        .map(|(after, before)| after - before);
    let log: ReadLog = lock(&log).clone();
    same(
        &run.summary,
        &want,
        &format!("summarize_processes(workers = {workers}) on an 8 MiB log"),
    )?;
    ensure!(
        log.most_children >= 2,
        "summarize_processes(workers = {workers}): while it read its input, at most {} child \
         process(es) were alive at once. Start `workers` processes of the worker program, all \
         before feeding them, and keep them all busy",
        log.most_children
    );
    ensure_eq!(
        run.bytes_sent,
        log.bytes,
        "bytes_sent: every byte of the input goes to exactly one worker's stdin"
    );
    if let Some(written) = written {
        ensure!(
            written >= log.bytes,
            "summarize_processes wrote only {written} bytes (this process's `wchar`), but the \
             input had {} bytes: the input must go through the workers' stdin pipes",
            log.bytes
        );
    }
    ensure!(
        run.bytes_received > 0,
        "bytes_received is 0: the summaries come back through the workers' stdout pipes"
    );
    let left = data::child_processes();
    ensure!(
        left == 0,
        "{left} child process(es) were still there after summarize_processes returned: wait for \
         every worker (Child::wait), also on errors"
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Parallelism and speed

fn threads_run_in_parallel(ctx: &mut Ctx) -> CheckResult {
    let workers = ctx.rng().random_range(2..=4);
    let seed: u64 = ctx.rng().random();
    let data = data::log_bytes(seed, 2 * MIB, true);
    let want = data::own_summary(&data[..]);
    let recorder = Recorder::new(format!(
        "parallel_lines(workers = {workers}): folding threads"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let rendezvous = Arc::new(Rendezvous::new(workers, PATIENCE));
    let (rec, rv) = (recorder.clone(), rendezvous.clone());
    let got = within(
        Duration::from_secs(30),
        &format!("parallel_lines(workers = {workers})"),
        move || {
            rec.mark_caller();
            data_processing::parallel_lines(
                Cursor::new(&data[..]),
                workers,
                16 * 1024,
                Summary::default,
                |summary: &mut Summary, chunk: &[u8]| {
                    if rec.touch() {
                        rv.arrive();
                    }
                    for line in chunk
                        .strip_suffix(b"\n")
                        .unwrap_or(chunk)
                        .split(|&b| b == b'\n')
                    {
                        data::own_line(summary, line);
                    }
                },
                |total: &mut Summary, part: Summary| data::own_merge(total, &part),
            )
        },
    )?
    .map_err(|e| io_failure("parallel_lines", e))?;
    same(
        &got,
        &want,
        "parallel_lines with the check's own fold and merge",
    )?;
    let threads = recorder.worker_threads();
    ensure!(
        rendezvous.met(),
        "parallel_lines(workers = {workers}) never had {workers} threads folding chunks at the \
         same time ({threads} thread(s) folded, one at a time). Start all the workers first, \
         let each take chunks from a shared bounded queue, and join them only after the input \
         is over"
    );
    ensure!(
        threads <= workers,
        "parallel_lines(workers = {workers}) folded on {threads} threads: use exactly `workers` \
         worker threads, not one per chunk"
    );
    Ok(())
}

/// The check's own loops for the speedup trial, with the exercise's given
/// `Summary::add_lines` so that every side does the same work per line.
fn split_at_lines(data: &[u8], parts: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for i in 1..=parts {
        let mut end = data.len() * i / parts;
        if i < parts {
            end = data[end..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(data.len(), |p| end + p + 1);
        }
        let end = end.max(start);
        pieces.push(&data[start..end]);
        start = end;
    }
    pieces
}

fn thread_speedup(_ctx: &mut Ctx) -> CheckResult {
    let usable = require_cores(2)?.usable();
    let threads = usable.min(8);
    let data: Arc<Vec<u8>> = Arc::new(data::log_bytes(7, 16 * MIB, true));
    let want = data::own_summary(&data[..]);
    let recorder = Recorder::new(format!("summarize_threads(workers = {threads})"));
    let _evidence = recorder.evidence_on_exit(_ctx);
    let timed = |f: &dyn Fn() -> Summary| -> Result<Duration, Stop> {
        let started = Instant::now();
        let summary = f();
        let took = started.elapsed();
        same(&summary, &want, "a run of the speedup trial")?;
        Ok(took)
    };
    let baseline = || {
        timed(&|| {
            let mut s = Summary::default();
            s.add_lines(&data);
            s
        })
    };
    // The course's parallel loop hands out line-aligned 256 KiB pieces from
    // an atomic counter: it balances itself when another process takes a
    // core away from one of its threads, as a queue of chunks does.
    let pieces = split_at_lines(&data, data.len().div_ceil(256 * 1024));
    let control = || {
        timed(&|| {
            let next = AtomicUsize::new(0);
            let partials: Vec<Summary> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut s = Summary::default();
                            loop {
                                let i = next.fetch_add(1, Ordering::Relaxed);
                                let Some(piece) = pieces.get(i) else { break };
                                s.add_lines(piece);
                            }
                            s
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let mut total = Summary::default();
            for p in &partials {
                data::own_merge(&mut total, p);
            }
            total
        })
    };
    let candidate = || -> Result<Duration, Stop> {
        let input = data.clone();
        let (summary, took) = within(
            CALL_LIMIT,
            &format!("summarize_threads(workers = {threads})"),
            move || {
                let started = Instant::now();
                let summary = data_processing::summarize_threads(
                    Cursor::new(&input[..]),
                    threads,
                    256 * 1024,
                );
                (summary, started.elapsed())
            },
        )?;
        let summary = summary.map_err(|e| io_failure("summarize_threads", e))?;
        same(&summary, &want, "summarize_threads in the speedup trial")?;
        Ok(took)
    };
    let trial = SpeedupTrial::default().run(threads, baseline, control, candidate)?;
    for note in trial.notes() {
        recorder.note(note);
    }
    trial.judge(&format!(
        "summarize_threads(workers = {threads}) on a 16 MiB log ({})",
        cores().describe()
    ))
}

// ---------------------------------------------------------------------------
// Memory

/// Input several times the bound: keeping it all would show at once.
const BLOCK: u64 = 4 * MIB;
const REPEATS: usize = 24;
/// Growth of the peak resident memory a streaming answer stays far below
/// (the course's answer: 0 to 3 MiB).
const MEMORY_BOUND_KIB: u64 = 16 * 1024;

/// Runs `run` on a 96 MiB log that is read as fast as memory goes, and fails
/// if the peak memory grew by more than the bound.
fn memory_check(
    ctx: &mut Ctx,
    what: &str,
    run: impl FnOnce(Repeat) -> std::io::Result<Summary> + Send + 'static,
) -> CheckResult {
    let seed: u64 = ctx.rng().random();
    let block = Arc::new(data::log_bytes(seed, BLOCK, true));
    let once = data::own_summary(&block[..]);
    let mut want = Summary::default();
    for _ in 0..REPEATS {
        data::own_merge(&mut want, &once);
    }
    let Some(before) = data::peak_rss_kib() else {
        return Err(Stop::Skip(
            "cannot read VmHWM from /proc/self/status on this machine".to_string(),
        ));
    };
    let input = Repeat::new(block, REPEATS);
    let got = within(Duration::from_secs(60), what, move || run(input))?
        .map_err(|e| io_failure(what, e))?;
    let after = data::peak_rss_kib().unwrap_or(before);
    same(&got, &want, &format!("{what} on a 96 MiB log"))?;
    let grown = after.saturating_sub(before);
    ensure!(
        grown <= MEMORY_BOUND_KIB,
        "{what} made this process's peak memory grow by {} MiB for a 96 MiB input (the bound is \
         {} MiB): it keeps the input (or much of it) in memory. Stream it: read a chunk, \
         process it, drop it; with threads or processes, a bounded queue (at most 2 × workers \
         chunks waiting) stops the reader from running ahead of the workers",
        grown / 1024,
        MEMORY_BOUND_KIB / 1024
    );
    Ok(())
}

fn sequential_streams(ctx: &mut Ctx) -> CheckResult {
    memory_check(ctx, "summarize_sequential", |input| {
        data_processing::summarize_sequential(input)
    })
}

fn threads_stream(ctx: &mut Ctx) -> CheckResult {
    memory_check(
        ctx,
        "summarize_threads(workers = 4, 256 KiB chunks)",
        |input| data_processing::summarize_threads(input, 4, 256 * 1024),
    )
}

fn processes_stream(ctx: &mut Ctx) -> CheckResult {
    let program = worker_program()?;
    memory_check(
        ctx,
        "summarize_processes(workers = 3, 256 KiB chunks)",
        move |input| {
            data_processing::summarize_processes(input, 3, 256 * 1024, &program)
                .map(|run| run.summary)
        },
    )
}

// ---------------------------------------------------------------------------
// Task 6: the report

fn report_is_measured(ctx: &mut Ctx) -> CheckResult {
    let program = worker_program()?;
    let workers = ctx.rng().random_range(2..=3);
    let seed: u64 = ctx.rng().random();
    let size = 16 * MIB;
    // In memory, so that the variants' times are their own, not the
    // generator's.
    let input: &'static [u8] = Box::leak(data::log_bytes(seed, size, true).into_boxed_slice());
    let want = data::own_summary(input);
    let input_bytes = input.len() as u64;
    type Logs = Vec<(Variant, Arc<Mutex<ReadLog>>)>;
    let logs: Arc<Mutex<Logs>> = Arc::new(Mutex::new(Vec::new()));
    let opened = logs.clone();
    let written_before = data::bytes_written();
    let called = Instant::now();
    let report = within(Duration::from_secs(60), "benchmark", move || {
        data_processing::benchmark(
            move |variant| {
                let (reader, log) = Watched::new(input, false);
                lock(&opened).push((variant, log));
                reader
            },
            workers,
            256 * 1024,
            &program,
        )
    })?
    .map_err(|e| io_failure("benchmark", e))?;
    let call = called.elapsed();
    let written = data::bytes_written()
        .zip(written_before)
        .map(|(after, before)| after - before);
    same(&report.summary, &want, "benchmark's report")?;
    ensure_eq!(report.workers, workers, "report.workers");
    let logs: Vec<(Variant, ReadLog)> = lock(&logs)
        .iter()
        .map(|(v, log)| (*v, lock(log).clone()))
        .collect();
    let variants: Vec<Variant> = logs.iter().map(|(v, _)| *v).collect();
    for variant in [Variant::Sequential, Variant::Threads, Variant::Processes] {
        ensure!(
            variants.iter().filter(|v| **v == variant).count() == 1,
            "benchmark must call open(Variant::{variant:?}) exactly once (it called open with \
             {variants:?})"
        );
    }
    let mut notes = Vec::new();
    for (variant, log) in &logs {
        let reported = match variant {
            Variant::Sequential => report.sequential,
            Variant::Threads => report.threads,
            Variant::Processes => report.processes,
        };
        ensure!(
            log.bytes == input_bytes && log.end.is_some(),
            "the {variant:?} variant did not read its input to the end ({} bytes read)",
            log.bytes
        );
        let span = log.span().unwrap_or_default();
        notes.push(format!(
            "{variant:?}: reported {}, its input was read over {}",
            ms(reported),
            ms(span)
        ));
        ensure!(
            reported >= span,
            "report: the {variant:?} variant took {} by your report, but it was still reading \
             its input {} after it started reading: the time must cover the whole run of the \
             variant (start the clock before it reads, stop it when its result is complete)",
            ms(reported),
            ms(span)
        );
    }
    let total = report.sequential + report.threads + report.processes;
    ensure!(
        total <= call,
        "report: the three variants took {} together by your report, but benchmark returned \
         after {}: the times must be measured, not made up",
        ms(total),
        ms(call)
    );
    let ratio = |slow: Duration, fast: Duration| slow.as_secs_f64() / fast.as_secs_f64().max(1e-9);
    for (name, got, want) in [
        (
            "thread_speedup",
            report.thread_speedup,
            ratio(report.sequential, report.threads),
        ),
        (
            "process_speedup",
            report.process_speedup,
            ratio(report.sequential, report.processes),
        ),
    ] {
        ensure!(
            (got - want).abs() <= 1e-3 * want.abs().max(1e-9),
            "report.{name} is {got:.3}, but sequential / that variant's time is {want:.3}"
        );
    }
    ensure_eq!(
        report.bytes_sent,
        input_bytes,
        "report.bytes_sent: the process variant sends every input byte through a pipe"
    );
    if let Some(written) = written {
        ensure!(
            written >= report.bytes_sent,
            "report.bytes_sent is {}, but this process wrote only {written} bytes during the \
             benchmark",
            report.bytes_sent
        );
    }
    ensure!(
        report.bytes_received > 0,
        "report.bytes_received: the summaries come back through pipes"
    );
    let recorder = Recorder::new("benchmark");
    for note in notes {
        recorder.note(note);
    }
    recorder.note(format!(
        "threads {:.2}x, processes {:.2}x; {} bytes sent to workers",
        report.thread_speedup, report.process_speedup, report.bytes_sent
    ));
    recorder.send_evidence(ctx);
    Ok(())
}
