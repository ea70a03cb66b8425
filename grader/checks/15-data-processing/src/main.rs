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
use threadlings_kit::{CheckResult, Ctx, Failure, Stop, ensure, ensure_eq, fail, t, within};

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
    Stop::Fail(Failure::new(t!(
        "{what} returned an error: {e}",
        "{what}이(가) 오류를 돌려주었습니다: {e}"
    )))
}

fn same(got: &Summary, want: &Summary, what: &str) -> CheckResult {
    if let Some(problem) = data::difference(got, want) {
        fail!(t!(
            "{what} gave a wrong summary: {problem}",
            "{what}이(가) 틀린 요약을 냈습니다: {problem}"
        ));
    }
    Ok(())
}

/// The worker program the grader built next to this check.
fn worker_program() -> Result<PathBuf, Stop> {
    let program = std::env::current_exe()
        .map_err(|e| {
            Stop::Fail(Failure::new(t!(
                "cannot find this program: {e}",
                "이 프로그램의 위치를 찾을 수 없습니다: {e}"
            )))
        })?
        .with_file_name("dp_worker");
    ensure!(
        program.exists(),
        t!(
            "the worker program {} was not built (is src/bin/dp_worker.rs there?)",
            "워커 프로그램 {}이(가) 빌드되지 않았습니다(src/bin/dp_worker.rs가 있나요?)",
            program.display()
        )
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
        &t!(
            "merging the summaries of {parts} parts of a log",
            "로그를 {parts}개로 나눈 부분들의 요약을 합치기"
        ),
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
        &t!(
            "merging a summary with itself (every count doubles, slowest_ms stays)",
            "요약을 자기 자신과 합치기(모든 수는 두 배가 되고, slowest_ms는 그대로)"
        ),
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
        let (got_len, want_len) = (joined.len(), data.len());
        fail!(t!(
            "{what}: the chunks put together are not the input ({got_len} bytes instead of \
             {want_len}, first difference at byte {at}): every byte must be in exactly one chunk, \
             in order",
            "{what}: 조각들을 이어 붙인 것이 입력과 다릅니다({want_len}바이트가 아니라 \
             {got_len}바이트, 첫 차이는 바이트 {at}): 모든 바이트가 순서대로, 정확히 한 조각에 \
             들어가야 합니다"
        ));
    }
    for (i, chunk) in got.iter().enumerate() {
        ensure!(
            !chunk.is_empty(),
            t!(
                "{what}: chunk {i} is empty",
                "{what}: 조각 {i}이(가) 비어 있습니다"
            )
        );
        let last = i + 1 == got.len();
        let chunks = got.len();
        ensure!(
            last || chunk.ends_with(b"\n"),
            t!(
                "{what}: chunk {i} of {chunks} does not end with a line end: it cuts a line in \
                 two, and each half would be counted as a (malformed) line of its own. Cut after \
                 the last `\\n` that fits",
                "{what}: 조각 {chunks}개 중 조각 {i}이(가) 줄 끝으로 끝나지 않습니다: 줄 하나를 \
                 둘로 잘라서, 각 반쪽이 따로 (형식이 잘못된) 줄로 세어집니다. 들어가는 마지막 \
                 `\\n` 뒤에서 자르세요"
            )
        );
        let line_ends = chunk.iter().filter(|&&b| b == b'\n').count();
        let one_line = line_ends <= 1 && (line_ends == 0 || chunk.ends_with(b"\n"));
        ensure!(
            chunk.len() <= chunk_bytes || one_line,
            t!(
                "{what}: chunk {i} is {} bytes long with {line_ends} lines, more than \
                 chunk_bytes = {chunk_bytes}; only a single line longer than chunk_bytes may \
                 make a longer chunk",
                "{what}: 조각 {i}은(는) 줄 {line_ends}개로 {}바이트여서 chunk_bytes = \
                 {chunk_bytes}보다 깁니다. chunk_bytes보다 긴 줄 하나만이 더 긴 조각을 만들 수 \
                 있습니다",
                chunk.len()
            )
        );
    }
    Ok(())
}

fn chunks_end_at_line_boundaries(ctx: &mut Ctx) -> CheckResult {
    let mut cases: Vec<(Vec<u8>, usize, String)> = vec![
        (Vec::new(), 16, t!("an empty input", "빈 입력")),
        (
            b"\n\n\n".to_vec(),
            2,
            t!("an input of empty lines", "빈 줄로 된 입력"),
        ),
        (
            b"no line end at all".to_vec(), // data: the input given to chunks()
            4,
            t!("one line without a line end", "줄 끝이 없는 줄 하나"),
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
        let bytes = data.len();
        let no_end = if final_newline {
            String::new()
        } else {
            t!(", no final line end", ", 마지막 줄 끝 없음")
        };
        let what = t!(
            "{lines} random lines ({bytes} bytes{no_end}), chunk_bytes = {chunk}",
            "무작위 줄 {lines}개({bytes}바이트{no_end}), chunk_bytes = {chunk}"
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
        check_chunks(
            &data,
            chunk_bytes,
            &got,
            &t!("chunks of {what}", "{what}의 조각"),
        )?;
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
        let no_end = if final_newline {
            String::new()
        } else {
            t!(" without a final line end", " (마지막 줄 끝 없음)")
        };
        same(
            &got,
            &want,
            &t!(
                "summarize_sequential on a 2 MiB log{no_end} read in pieces of up to {most} bytes",
                "최대 {most}바이트씩 나눠 읽는 2 MiB 로그{no_end}에 대한 summarize_sequential"
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
            &t!(
                "summarize_threads(workers = {workers}, chunk_bytes = {chunk_bytes}) on a \
                 1.5 MiB log",
                "1.5 MiB 로그에 대한 summarize_threads(workers = {workers}, chunk_bytes = \
                 {chunk_bytes})"
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
        &t!(
            "summarize_processes(workers = {workers}) on an 8 MiB log",
            "8 MiB 로그에 대한 summarize_processes(workers = {workers})"
        ),
    )?;
    let (most_children, input_bytes) = (log.most_children, log.bytes);
    ensure!(
        log.most_children >= 2,
        t!(
            "summarize_processes(workers = {workers}): while it read its input, at most \
             {most_children} child process(es) were alive at once. Start `workers` processes of \
             the worker program, all before feeding them, and keep them all busy",
            "summarize_processes(workers = {workers}): 입력을 읽는 동안 동시에 살아 있던 자식 \
             프로세스는 최대 {most_children}개였습니다. 워커 프로그램의 프로세스 `workers`개를 \
             입력을 넘기기 전에 모두 시작하고, 모두 계속 바쁘게 하세요"
        )
    );
    ensure_eq!(
        run.bytes_sent,
        log.bytes,
        t!(
            "bytes_sent: every byte of the input goes to exactly one worker's stdin",
            "bytes_sent: 입력의 모든 바이트는 정확히 한 워커의 stdin으로 갑니다"
        )
    );
    if let Some(written) = written {
        ensure!(
            written >= log.bytes,
            t!(
                "summarize_processes wrote only {written} bytes (this process's `wchar`), but the \
                 input had {input_bytes} bytes: the input must go through the workers' stdin \
                 pipes",
                "summarize_processes는 {written}바이트만 썼지만(이 프로세스의 `wchar`), 입력은 \
                 {input_bytes}바이트였습니다: 입력은 워커들의 stdin 파이프를 거쳐야 합니다"
            )
        );
    }
    ensure!(
        run.bytes_received > 0,
        t!(
            "bytes_received is 0: the summaries come back through the workers' stdout pipes",
            "bytes_received가 0입니다: 요약은 워커들의 stdout 파이프를 거쳐 돌아옵니다"
        )
    );
    let left = data::child_processes();
    ensure!(
        left == 0,
        t!(
            "{left} child process(es) were still there after summarize_processes returned: wait \
             for every worker (Child::wait), also on errors",
            "summarize_processes가 반환한 뒤에도 자식 프로세스 {left}개가 남아 있었습니다: \
             오류가 났을 때도 모든 워커를 기다리세요(Child::wait)"
        )
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
    let recorder = Recorder::new(t!(
        "parallel_lines(workers = {workers}): folding threads",
        "parallel_lines(workers = {workers}): 조각을 접는(fold) 스레드"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let rendezvous = Arc::new(Rendezvous::new(workers, PATIENCE));
    let (rec, rv) = (recorder.clone(), rendezvous.clone());
    let got = within(
        Duration::from_secs(30),
        format!("parallel_lines(workers = {workers})"),
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
        &t!(
            "parallel_lines with the check's own fold and merge",
            "검사 자신의 fold와 merge로 실행한 parallel_lines"
        ),
    )?;
    let threads = recorder.worker_threads();
    ensure!(
        rendezvous.met(),
        t!(
            "parallel_lines(workers = {workers}) never had {workers} threads folding chunks at \
             the same time ({threads} thread(s) folded, one at a time). Start all the workers \
             first, let each take chunks from a shared bounded queue, and join them only after \
             the input is over",
            "parallel_lines(workers = {workers})에서 조각을 동시에 접는(fold) 스레드가 \
             {workers}개였던 적이 없습니다(스레드 {threads}개가 한 번에 하나씩 접었습니다). \
             워커를 먼저 모두 시작하고, 각 워커가 공유된 크기 제한 큐에서 조각을 가져가게 하고, \
             입력이 끝난 뒤에야 조인하세요"
        )
    );
    ensure!(
        threads <= workers,
        t!(
            "parallel_lines(workers = {workers}) folded on {threads} threads: use exactly \
             `workers` worker threads, not one per chunk",
            "parallel_lines(workers = {workers})이(가) 스레드 {threads}개에서 접었습니다: \
             조각마다 스레드 하나가 아니라, 정확히 `workers`개의 워커 스레드를 쓰세요"
        )
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
        same(
            &summary,
            &want,
            &t!("a run of the speedup trial", "속도 향상 측정의 한 실행"),
        )?;
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
            format!("summarize_threads(workers = {threads})"),
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
        same(
            &summary,
            &want,
            &t!(
                "summarize_threads in the speedup trial",
                "속도 향상 측정 중의 summarize_threads"
            ),
        )?;
        Ok(took)
    };
    let trial = SpeedupTrial::default().run(threads, baseline, control, candidate)?;
    for note in trial.notes() {
        recorder.note(note);
    }
    let machine = cores().describe();
    trial.judge(t!(
        "summarize_threads(workers = {threads}) on a 16 MiB log ({machine})",
        "16 MiB 로그에 대한 summarize_threads(workers = {threads}) ({machine})"
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
        return Err(Stop::Skip(t!(
            "cannot read VmHWM from /proc/self/status on this machine",
            "이 기계에서는 /proc/self/status에서 VmHWM을 읽을 수 없습니다"
        )));
    };
    let input = Repeat::new(block, REPEATS);
    let got = within(Duration::from_secs(60), what, move || run(input))?
        .map_err(|e| io_failure(what, e))?;
    let after = data::peak_rss_kib().unwrap_or(before);
    same(
        &got,
        &want,
        &t!("{what} on a 96 MiB log", "96 MiB 로그에 대한 {what}"),
    )?;
    let grown = after.saturating_sub(before);
    let (grown_mib, bound_mib) = (grown / 1024, MEMORY_BOUND_KIB / 1024);
    ensure!(
        grown <= MEMORY_BOUND_KIB,
        t!(
            "{what} made this process's peak memory grow by {grown_mib} MiB for a 96 MiB input \
             (the bound is {bound_mib} MiB): it keeps the input (or much of it) in memory. \
             Stream it: read a chunk, process it, drop it; with threads or processes, a bounded \
             queue (at most 2 × workers chunks waiting) stops the reader from running ahead of \
             the workers",
            "{what}이(가) 96 MiB짜리 입력에 대해 이 프로세스의 최대 메모리 사용량을 \
             {grown_mib} MiB만큼 늘렸습니다(한도는 {bound_mib} MiB): 입력을(또는 그 대부분을) \
             메모리에 쥐고 있습니다. 흘려 읽으세요: 조각 하나를 읽고, 처리하고, 버리세요. \
             스레드나 프로세스를 쓸 때는 크기 제한 큐(기다리는 조각은 최대 2 × workers개)가 읽는 쪽이 워커들보다 \
             앞서 달리지 못하게 막습니다"
        )
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
        &t!(
            "summarize_threads(workers = 4, 256 KiB chunks)",
            "summarize_threads(workers = 4, 256 KiB 조각)"
        ),
        |input| data_processing::summarize_threads(input, 4, 256 * 1024),
    )
}

fn processes_stream(ctx: &mut Ctx) -> CheckResult {
    let program = worker_program()?;
    memory_check(
        ctx,
        &t!(
            "summarize_processes(workers = 3, 256 KiB chunks)",
            "summarize_processes(workers = 3, 256 KiB 조각)"
        ),
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
    same(
        &report.summary,
        &want,
        &t!("benchmark's report", "benchmark의 보고서"),
    )?;
    ensure_eq!(report.workers, workers, "report.workers");
    let logs: Vec<(Variant, ReadLog)> = lock(&logs)
        .iter()
        .map(|(v, log)| (*v, lock(log).clone()))
        .collect();
    let variants: Vec<Variant> = logs.iter().map(|(v, _)| *v).collect();
    for variant in [Variant::Sequential, Variant::Threads, Variant::Processes] {
        ensure!(
            variants.iter().filter(|v| **v == variant).count() == 1,
            t!(
                "benchmark must call open(Variant::{variant:?}) exactly once (it called open \
                 with {variants:?})",
                "benchmark는 open(Variant::{variant:?})을 정확히 한 번 호출해야 합니다(open을 \
                 호출할 때 준 값: {variants:?})"
            )
        );
    }
    let mut notes = Vec::new();
    for (variant, log) in &logs {
        let reported = match variant {
            Variant::Sequential => report.sequential,
            Variant::Threads => report.threads,
            Variant::Processes => report.processes,
        };
        let read = log.bytes;
        ensure!(
            log.bytes == input_bytes && log.end.is_some(),
            t!(
                "the {variant:?} variant did not read its input to the end ({read} bytes read)",
                "{variant:?} 방식이 입력을 끝까지 읽지 않았습니다({read}바이트 읽음)"
            )
        );
        let span = log.span().unwrap_or_default();
        let (reported_ms, span_ms) = (ms(reported), ms(span));
        notes.push(t!(
            "{variant:?}: reported {reported_ms}, its input was read over {span_ms}",
            "{variant:?}: 보고된 시간 {reported_ms}, 입력을 읽은 시간 {span_ms}"
        ));
        ensure!(
            reported >= span,
            t!(
                "report: the {variant:?} variant took {reported_ms} by your report, but it was \
                 still reading its input {span_ms} after it started reading: the time must cover \
                 the whole run of the variant (start the clock before it reads, stop it when its \
                 result is complete)",
                "report: 여러분의 보고서에 따르면 {variant:?} 방식은 {reported_ms} 걸렸지만, \
                 읽기를 시작하고 {span_ms} 뒤에도 여전히 입력을 읽고 있었습니다: 시간은 그 \
                 방식의 실행 전체를 포함해야 합니다(읽기 전에 시계를 시작하고, 결과가 완성되면 \
                 멈추세요)"
            )
        );
    }
    let total = report.sequential + report.threads + report.processes;
    let (total_ms, call_ms) = (ms(total), ms(call));
    ensure!(
        total <= call,
        t!(
            "report: the three variants took {total_ms} together by your report, but benchmark \
             returned after {call_ms}: the times must be measured, not made up",
            "report: 여러분의 보고서에 따르면 세 방식이 합쳐서 {total_ms} 걸렸지만, benchmark는 \
             {call_ms} 뒤에 반환했습니다: 시간은 지어내는 것이 아니라 측정해야 합니다"
        )
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
            t!(
                "report.{name} is {got:.3}, but sequential / that variant's time is {want:.3}",
                "report.{name}이(가) {got:.3}이지만, sequential / 그 방식의 시간은 \
                 {want:.3}입니다"
            )
        );
    }
    ensure_eq!(
        report.bytes_sent,
        input_bytes,
        t!(
            "report.bytes_sent: the process variant sends every input byte through a pipe",
            "report.bytes_sent: 프로세스 방식은 입력의 모든 바이트를 파이프로 보냅니다"
        )
    );
    let sent = report.bytes_sent;
    if let Some(written) = written {
        ensure!(
            written >= report.bytes_sent,
            t!(
                "report.bytes_sent is {sent}, but this process wrote only {written} bytes during \
                 the benchmark",
                "report.bytes_sent가 {sent}이지만, 이 프로세스는 벤치마크 동안 \
                 {written}바이트만 썼습니다"
            )
        );
    }
    ensure!(
        report.bytes_received > 0,
        t!(
            "report.bytes_received: the summaries come back through pipes",
            "report.bytes_received: 요약은 파이프를 거쳐 돌아옵니다"
        )
    );
    let recorder = Recorder::new("benchmark");
    for note in notes {
        recorder.note(note);
    }
    let (threads, processes) = (report.thread_speedup, report.process_speedup);
    recorder.note(t!(
        "threads {threads:.2}x, processes {processes:.2}x; {sent} bytes sent to workers",
        "스레드 {threads:.2}배, 프로세스 {processes:.2}배, 워커에 보낸 바이트 {sent}"
    ));
    recorder.send_evidence(ctx);
    Ok(())
}
