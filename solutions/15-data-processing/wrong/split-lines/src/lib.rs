//! Exercise 15 (capstone): one data set, three ways. Read README.md first.
//!
//! A web server's access log is summarized (requests per status and per path,
//! bytes served, the slowest request) by one thread, by a pool of threads,
//! and by a pool of worker processes fed through pipes; `benchmark` measures
//! the three and reports the speedups.
//!
//! Given: [`Summary`] and how it counts lines ([`Summary::add_lines`]), its
//! text form for pipes, [`summarize_threads`], and the worker program
//! `src/bin/dp_worker.rs`. The tasks are the pipeline around them.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant};

// ------------------------------------------------------------ given: the data

/// Given: the statistics of an access log.
///
/// A log line is six fields separated by single spaces:
/// `timestamp method path status bytes milliseconds`, for example
/// `1700000000 GET /api/items/42 200 5120 17`. `timestamp`, `bytes` and
/// `milliseconds` are unsigned integers, `status` is 100 to 599, `path`
/// starts with `/`. Any other line is malformed (counted, nothing else).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Lines seen, malformed ones included.
    pub lines: u64,
    /// Lines that are not six valid fields.
    pub malformed: u64,
    /// The sum of the `bytes` field.
    pub bytes: u64,
    /// The largest `milliseconds` field (0 without valid lines).
    pub slowest_ms: u64,
    /// Valid lines per status.
    pub by_status: BTreeMap<u16, u64>,
    /// Valid lines per path.
    pub by_path: BTreeMap<String, u64>,
}

fn number(field: &[u8]) -> Option<u64> {
    if field.is_empty() || field.len() > 19 || !field.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(field.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')))
}

impl Summary {
    /// Given: counts one line (without its `\n`).
    pub fn add_line(&mut self, line: &[u8]) {
        self.lines += 1;
        let mut fields = line.split(|&b| b == b' ');
        let parsed = (|| {
            let _timestamp = number(fields.next()?)?;
            let method = fields.next()?;
            let path = fields.next()?;
            let status = number(fields.next()?)?;
            let bytes = number(fields.next()?)?;
            let ms = number(fields.next()?)?;
            if fields.next().is_some()
                || method.is_empty()
                || !path.starts_with(b"/")
                || !(100..=599).contains(&status)
            {
                return None;
            }
            Some((std::str::from_utf8(path).ok()?, status as u16, bytes, ms))
        })();
        let Some((path, status, bytes, ms)) = parsed else {
            self.malformed += 1;
            return;
        };
        self.bytes += bytes;
        self.slowest_ms = self.slowest_ms.max(ms);
        *self.by_status.entry(status).or_insert(0) += 1;
        match self.by_path.get_mut(path) {
            Some(count) => *count += 1,
            None => {
                self.by_path.insert(path.to_string(), 1);
            }
        }
    }

    /// Given: counts every line of `text`: lines end with `\n`; a last line
    /// without one counts too. `text` must hold whole lines only: a line cut
    /// in two would be counted as two (malformed) lines.
    pub fn add_lines(&mut self, text: &[u8]) {
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        if text.is_empty() {
            return;
        }
        for line in text.split(|&b| b == b'\n') {
            self.add_line(line);
        }
    }

    /// Given: the summary as text, one `key value` per line, for a pipe.
    pub fn to_text(&self) -> String {
        let mut text = format!(
            "lines {}\nmalformed {}\nbytes {}\nslowest_ms {}\n",
            self.lines, self.malformed, self.bytes, self.slowest_ms
        );
        for (status, count) in &self.by_status {
            text.push_str(&format!("status {status} {count}\n"));
        }
        for (path, count) in &self.by_path {
            text.push_str(&format!("path {path} {count}\n"));
        }
        text
    }

    /// Given: reads what [`Summary::to_text`] wrote.
    pub fn from_text(text: &str) -> io::Result<Summary> {
        let bad = |line: &str| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not a summary line: {line:?}"),
            )
        };
        let mut summary = Summary::default();
        for line in text.lines() {
            let parts: Vec<&str> = line.split(' ').collect();
            let value = |i: usize| -> io::Result<u64> {
                parts
                    .get(i)
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| bad(line))
            };
            match parts.first().copied() {
                Some("lines") => summary.lines = value(1)?,
                Some("malformed") => summary.malformed = value(1)?,
                Some("bytes") => summary.bytes = value(1)?,
                Some("slowest_ms") => summary.slowest_ms = value(1)?,
                Some("status") => {
                    let status = u16::try_from(value(1)?).map_err(|_| bad(line))?;
                    summary.by_status.insert(status, value(2)?);
                }
                Some("path") if parts.len() == 3 => {
                    summary.by_path.insert(parts[1].to_string(), value(2)?);
                }
                _ => return Err(bad(line)),
            }
        }
        Ok(summary)
    }

    /// Task 1: adds the counts of `other` (a summary of other lines) to
    /// `self`, so that summarizing two halves and merging equals summarizing
    /// the whole.
    pub fn merge(&mut self, other: Summary) {
        self.lines += other.lines;
        self.malformed += other.malformed;
        self.bytes += other.bytes;
        self.slowest_ms = self.slowest_ms.max(other.slowest_ms);
        for (status, count) in other.by_status {
            *self.by_status.entry(status).or_insert(0) += count;
        }
        for (path, count) in other.by_path {
            *self.by_path.entry(path).or_insert(0) += count;
        }
    }
}

// ------------------------------------------------------------ 2. chunks

/// Task 2: the input cut into chunks of whole lines (see [`chunks`]).
pub struct Chunks<R> {
    input: R,
    chunk_bytes: usize,
    /// The start of a line read with the previous chunk.
    carry: Vec<u8>,
    ended: bool,
}

/// Task 2: cuts `input` into chunks of whole lines, reading it as it goes.
///
/// - Every chunk but the last ends with `\n`; no chunk is empty; the chunks
///   put together are exactly the input.
/// - A chunk is at most `chunk_bytes` long, unless a single line is longer:
///   then that line is a chunk of its own.
/// - Memory: never read the whole input. Read at most `chunk_bytes` at a time
///   and keep at most about `2 × chunk_bytes` (plus one long line) buffered.
pub fn chunks<R: Read>(input: R, chunk_bytes: usize) -> Chunks<R> {
    Chunks {
        input,
        chunk_bytes: chunk_bytes.max(1),
        carry: Vec::new(),
        ended: false,
    }
}

impl<R: Read> Chunks<R> {
    /// Reads into `buf` until it holds `up_to` bytes or the input ends.
    fn read_into(&mut self, buf: &mut Vec<u8>, up_to: usize) -> io::Result<()> {
        let want = up_to.saturating_sub(buf.len());
        // `take` + `read_to_end` reads straight into the spare capacity.
        let got = (&mut self.input).take(want as u64).read_to_end(buf)?;
        self.ended = got < want;
        Ok(())
    }

    /// Keeps `buf[..len]` as the chunk and carries the rest over.
    fn cut(&mut self, mut buf: Vec<u8>, len: usize) -> Vec<u8> {
        self.carry = buf[len..].to_vec();
        buf.truncate(len);
        buf
    }
}

impl<R: Read> Iterator for Chunks<R> {
    type Item = io::Result<Vec<u8>>;

    fn next(&mut self) -> Option<io::Result<Vec<u8>>> {
        let mut buf = std::mem::take(&mut self.carry);
        buf.reserve(self.chunk_bytes.saturating_sub(buf.len()));
        // Fill up to one chunk.
        while !self.ended && buf.len() < self.chunk_bytes {
            if let Err(e) = self.read_into(&mut buf, self.chunk_bytes) {
                return Some(Err(e));
            }
        }
        loop {
            if buf.is_empty() {
                return None;
            }
            let limit = buf.len().min(self.chunk_bytes);
            // The last line end within the limit...
            if buf.len() >= limit && limit > 0 {
                return Some(Ok(self.cut(buf, limit)));
            }
            // ...or one long line, up to its end...
            if let Some(at) = buf[limit..].iter().position(|&b| b == b'\n') {
                return Some(Ok(self.cut(buf, limit + at + 1)));
            }
            // ...or the unterminated rest at the end of the input.
            if self.ended {
                return Some(Ok(buf));
            }
            // A line longer than a chunk: read more of it.
            let up_to = buf.len() + self.chunk_bytes;
            if let Err(e) = self.read_into(&mut buf, up_to) {
                return Some(Err(e));
            }
        }
    }
}

// ------------------------------------------------------------ 3. one thread

/// Task 3: summarizes `input` on the calling thread, streaming it (never
/// holding more than a small buffer of it in memory).
pub fn summarize_sequential(input: impl Read) -> io::Result<Summary> {
    let mut summary = Summary::default();
    for chunk in chunks(input, 64 * 1024) {
        summary.add_lines(&chunk?);
    }
    Ok(summary)
}

// ------------------------------------------------------------ 4. threads

/// Task 4: a parallel fold over the lines of `input` with `workers` threads.
///
/// The calling thread reads `input` in chunks of whole lines ([`chunks`]) and
/// hands them out through a bounded queue: at most `2 × workers` chunks wait
/// at any time, so memory stays bounded however large the input. Each worker
/// keeps its own partial result (`init()`), calls `fold(&mut partial, chunk)`
/// for every chunk it takes, and hands the partial back when the input is
/// over; the partials are combined with `merge` (in any order). The workers
/// run at the same time; every thread is joined before returning. An I/O
/// error from `input` is returned (after the workers stopped); a panic in
/// `fold` propagates.
pub fn parallel_lines<T, R, I, F, M>(
    input: R,
    workers: usize,
    chunk_bytes: usize,
    init: I,
    fold: F,
    merge: M,
) -> io::Result<T>
where
    T: Send,
    R: Read,
    I: Fn() -> T + Sync,
    F: Fn(&mut T, &[u8]) + Sync,
    M: Fn(&mut T, T),
{
    let workers = workers.max(1);
    let (sender, receiver) = mpsc::sync_channel::<Vec<u8>>(2 * workers);
    let receiver = Mutex::new(receiver);
    thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut partial = init();
                    loop {
                        let next = receiver
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .recv();
                        match next {
                            Ok(chunk) => fold(&mut partial, &chunk),
                            Err(_) => return partial, // the input is over
                        }
                    }
                })
            })
            .collect();
        let mut error = None;
        for chunk in chunks(input, chunk_bytes) {
            match chunk {
                Ok(chunk) => {
                    if sender.send(chunk).is_err() {
                        break; // every worker is gone (a panic)
                    }
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        drop(sender);
        let mut total = init();
        for handle in handles {
            match handle.join() {
                Ok(partial) => merge(&mut total, partial),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        match error {
            Some(e) => Err(e),
            None => Ok(total),
        }
    })
}

/// Given: the summary by [`parallel_lines`].
pub fn summarize_threads(
    input: impl Read,
    workers: usize,
    chunk_bytes: usize,
) -> io::Result<Summary> {
    parallel_lines(
        input,
        workers,
        chunk_bytes,
        Summary::default,
        |summary, chunk| summary.add_lines(chunk),
        Summary::merge,
    )
}

// ------------------------------------------------------------ 5. processes

/// What [`summarize_processes`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipeRun {
    pub summary: Summary,
    /// Bytes written into the workers' stdin pipes (all of the input).
    pub bytes_sent: u64,
    /// Bytes read from the workers' stdout pipes (their summaries).
    pub bytes_received: u64,
}

/// Task 5: summarizes `input` with `workers` worker processes, each running
/// `program` (the `dp_worker` binary: lines on stdin, `Summary::to_text` on
/// stdout at the end).
///
/// The calling thread reads `input` in chunks of whole lines ([`chunks`]) and
/// each chunk goes, whole, to one worker's stdin (a line must never be split
/// between two workers). Keep every worker busy (one feeding thread per
/// worker taking chunks from a bounded queue works well) and memory bounded
/// (at most `2 × workers` chunks waiting). When the input is over, close
/// every stdin, read every worker's summary, wait for every worker, and
/// merge. A worker that fails (exit status, unreadable summary) is an error;
/// no worker is left running or unwaited either way.
pub fn summarize_processes(
    input: impl Read,
    workers: usize,
    chunk_bytes: usize,
    program: &Path,
) -> io::Result<PipeRun> {
    let workers = workers.max(1);
    let mut children: Vec<Child> = Vec::new();
    for _ in 0..workers {
        match Command::new(program)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
        {
            Ok(child) => children.push(child),
            Err(e) => {
                for mut child in children {
                    let _ = child.kill();
                    let _ = child.wait();
                }
                return Err(e);
            }
        }
    }
    let (sender, receiver) = mpsc::sync_channel::<Vec<u8>>(2 * workers);
    let receiver = Mutex::new(receiver);
    let results: Vec<io::Result<(Summary, u64, u64)>> = thread::scope(|scope| {
        let feeders: Vec<_> = children
            .iter_mut()
            .map(|child| {
                let mut stdin = child.stdin.take().expect("stdin is piped");
                let mut stdout = child.stdout.take().expect("stdout is piped");
                let receiver = &receiver;
                scope.spawn(move || -> io::Result<(Summary, u64, u64)> {
                    let mut sent = 0u64;
                    let mut failed = None;
                    loop {
                        let next = receiver
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .recv();
                        let Ok(chunk) = next else { break };
                        if let Err(e) = stdin.write_all(&chunk) {
                            failed = Some(e);
                            break;
                        }
                        sent += chunk.len() as u64;
                    }
                    drop(stdin); // EOF: the worker prints its summary
                    let mut text = String::new();
                    stdout.read_to_string(&mut text)?;
                    if let Some(e) = failed {
                        return Err(e);
                    }
                    let received = text.len() as u64;
                    Ok((Summary::from_text(&text)?, sent, received))
                })
            })
            .collect();
        let mut error = None;
        for chunk in chunks(input, chunk_bytes) {
            match chunk {
                Ok(chunk) => {
                    if sender.send(chunk).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        drop(sender);
        let mut results: Vec<_> = feeders
            .into_iter()
            .map(|feeder| {
                feeder
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .collect();
        if let Some(e) = error {
            results.push(Err(e));
        }
        results
    });
    let mut run = PipeRun::default();
    let mut first_error = None;
    for result in results {
        match result {
            Ok((summary, sent, received)) => {
                run.summary.merge(summary);
                run.bytes_sent += sent;
                run.bytes_received += received;
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    for mut child in children {
        let status = child.wait()?;
        if !status.success() && first_error.is_none() {
            first_error = Some(io::Error::other(format!(
                "a worker process failed: {status}"
            )));
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(run),
    }
}

// ------------------------------------------------------------ 6. the report

/// Which variant [`benchmark`] is about to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Sequential,
    Threads,
    Processes,
}

/// What [`benchmark`] measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The summary (the same for the three variants).
    pub summary: Summary,
    pub workers: usize,
    /// Wall-clock time of each variant, from before it read its input to
    /// after its result was complete (workers joined or waited for).
    pub sequential: Duration,
    pub threads: Duration,
    pub processes: Duration,
    /// `sequential / threads` and `sequential / processes`.
    pub thread_speedup: f64,
    pub process_speedup: f64,
    /// The process variant's traffic through pipes (its IPC cost).
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

/// Task 6: runs the three variants one after the other, each on a fresh
/// input `open(variant)` (called once per variant, just before it runs),
/// measures each one's wall-clock time, and reports.
///
/// The three summaries must be equal; if they are not, return an
/// `io::ErrorKind::InvalidData` error saying which differ.
pub fn benchmark<R: Read>(
    mut open: impl FnMut(Variant) -> R,
    workers: usize,
    chunk_bytes: usize,
    program: &Path,
) -> io::Result<Report> {
    let started = Instant::now();
    let sequential = summarize_sequential(open(Variant::Sequential))?;
    let sequential_time = started.elapsed();

    let started = Instant::now();
    let threads = summarize_threads(open(Variant::Threads), workers, chunk_bytes)?;
    let threads_time = started.elapsed();

    let started = Instant::now();
    let pipes = summarize_processes(open(Variant::Processes), workers, chunk_bytes, program)?;
    let processes_time = started.elapsed();

    if threads != sequential || pipes.summary != sequential {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the variants disagree: threads {} the sequential summary, processes {} it",
                if threads == sequential {
                    "match"
                } else {
                    "differ from"
                },
                if pipes.summary == sequential {
                    "match"
                } else {
                    "differ from"
                },
            ),
        ));
    }
    let ratio = |slow: Duration, fast: Duration| slow.as_secs_f64() / fast.as_secs_f64().max(1e-9);
    Ok(Report {
        summary: sequential,
        workers,
        sequential: sequential_time,
        threads: threads_time,
        processes: processes_time,
        thread_speedup: ratio(sequential_time, threads_time),
        process_speedup: ratio(sequential_time, processes_time),
        bytes_sent: pipes.bytes_sent,
        bytes_received: pipes.bytes_received,
    })
}
