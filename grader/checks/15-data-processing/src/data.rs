//! The data of the checks: a seeded access-log generator that streams (it
//! never holds the log, so memory checks can feed far more than they keep),
//! the check's own summary of a log (written independently of the
//! exercise's code), and readers that watch how they are read.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use data_processing::Summary;
use threadlings_kit::t;

const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];
const STATUSES: [u16; 10] = [200, 200, 200, 200, 201, 301, 304, 404, 500, 503];

/// The paths a log uses (a bounded set: summaries stay small).
fn paths() -> Vec<String> {
    let mut paths = Vec::new();
    for i in 0..80 {
        paths.push(format!("/api/items/{i}"));
        paths.push(format!("/static/img/{i}.png"));
        paths.push(format!("/users/{i}/profile"));
    }
    paths
}

/// A seeded access log of about `size` bytes, produced as it is read.
pub struct LogGen {
    state: u64,
    size: u64,
    produced: u64,
    final_newline: bool,
    line_no: u64,
    paths: Vec<String>,
    buf: Vec<u8>,
    pos: usize,
}

impl LogGen {
    pub fn new(seed: u64, size: u64, final_newline: bool) -> LogGen {
        LogGen {
            state: seed ^ 0x9e37_79b9_7f4a_7c15,
            size,
            produced: 0,
            final_newline,
            line_no: 0,
            paths: paths(),
            buf: Vec::with_capacity(70 * 1024),
            pos: 0,
        }
    }

    fn next(&mut self) -> u64 {
        // splitmix64
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn push_number(out: &mut Vec<u8>, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        out.extend_from_slice(&digits[i..]);
    }

    /// Appends one line (with its `\n`).
    fn line(&mut self, out: &mut Vec<u8>) {
        self.line_no += 1;
        let timestamp = 1_700_000_000 + self.line_no;
        let kind = self.below(1000);
        if kind < 6 {
            // Malformed lines of several kinds.
            let text: String = match kind {
                0 => "-- log rotated --".to_string(), // data: a malformed log line
                1 => format!("{timestamp} GET /api/items/1 200 512"),
                2 => format!("{timestamp} GET /api/items/1 999 512 3"),
                3 => String::new(),
                4 => format!("{timestamp}  GET /api/items/1 200 512 3"),
                _ => {
                    let long = 200 + self.below(4000) as usize;
                    format!("{timestamp} GET /{} 200 1 1 extra", "x".repeat(long))
                }
            };
            out.extend_from_slice(text.as_bytes());
            out.push(b'\n');
            return;
        }
        Self::push_number(out, timestamp);
        out.push(b' ');
        out.extend_from_slice(METHODS[self.below(4) as usize].as_bytes());
        out.push(b' ');
        let path = self.below(self.paths.len() as u64) as usize;
        out.extend_from_slice(self.paths[path].as_bytes());
        out.push(b' ');
        Self::push_number(out, u64::from(STATUSES[self.below(10) as usize]));
        out.push(b' ');
        let bytes = self.below(200_000);
        Self::push_number(out, bytes);
        out.push(b' ');
        let ms = if self.below(100) == 0 {
            self.below(30_000)
        } else {
            self.below(300)
        };
        Self::push_number(out, ms);
        out.push(b'\n');
    }

    fn refill(&mut self) {
        self.buf.clear();
        self.pos = 0;
        while self.buf.len() < 64 * 1024 && self.produced < self.size {
            let before = self.buf.len();
            let mut line = std::mem::take(&mut self.buf);
            self.line(&mut line);
            self.buf = line;
            self.produced += (self.buf.len() - before) as u64;
        }
        if self.produced >= self.size && !self.final_newline && self.buf.ends_with(b"\n") {
            self.buf.pop();
        }
    }
}

impl Read for LogGen {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.buf.len() {
            if self.produced >= self.size {
                return Ok(0);
            }
            self.refill();
        }
        let n = dst.len().min(self.buf.len() - self.pos);
        dst[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The whole log in memory.
pub fn log_bytes(seed: u64, size: u64, final_newline: bool) -> Vec<u8> {
    let mut data = Vec::with_capacity(size as usize + 8192);
    LogGen::new(seed, size, final_newline)
        .read_to_end(&mut data)
        .expect(&t!(
            "the generator never fails",
            "생성기는 결코 실패하지 않습니다"
        ));
    data
}

// ---------------------------------------------------------------------------
// The check's own summary.

fn digits(field: &[u8]) -> Option<u64> {
    if field.is_empty() || field.len() > 19 {
        return None;
    }
    let mut n = 0u64;
    for &b in field {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    Some(n)
}

/// One line, by the rules of the exercise's README.
pub fn own_line(summary: &mut Summary, line: &[u8]) {
    summary.lines += 1;
    let mut fields: [&[u8]; 6] = [&[]; 6];
    let mut count = 0;
    for field in line.split(|&b| b == b' ') {
        if count == 6 {
            count = 7;
            break;
        }
        fields[count] = field;
        count += 1;
    }
    let valid = count == 6
        && digits(fields[0]).is_some()
        && !fields[1].is_empty()
        && fields[2].first() == Some(&b'/')
        && std::str::from_utf8(fields[2]).is_ok()
        && digits(fields[3]).is_some_and(|s| (100..=599).contains(&s))
        && digits(fields[4]).is_some()
        && digits(fields[5]).is_some();
    if !valid {
        summary.malformed += 1;
        return;
    }
    let status = digits(fields[3]).unwrap() as u16;
    summary.bytes += digits(fields[4]).unwrap();
    summary.slowest_ms = summary.slowest_ms.max(digits(fields[5]).unwrap());
    *summary.by_status.entry(status).or_default() += 1;
    let path = std::str::from_utf8(fields[2]).unwrap();
    if let Some(count) = summary.by_path.get_mut(path) {
        *count += 1;
    } else {
        summary.by_path.insert(path.to_string(), 1);
    }
}

/// The check's own summary of a whole input, streamed.
pub fn own_summary(mut input: impl Read) -> Summary {
    let mut summary = Summary::default();
    let mut carry: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = input.read(&mut buf).unwrap_or_else(|e| {
            let message = t!(
                "the check's inputs never fail",
                "검사의 입력은 결코 실패하지 않습니다"
            );
            panic!("{message}: {e:?}")
        });
        if n == 0 {
            break;
        }
        let mut rest = &buf[..n];
        while let Some(at) = rest.iter().position(|&b| b == b'\n') {
            if carry.is_empty() {
                own_line(&mut summary, &rest[..at]);
            } else {
                carry.extend_from_slice(&rest[..at]);
                own_line(&mut summary, &carry);
                carry.clear();
            }
            rest = &rest[at + 1..];
        }
        carry.extend_from_slice(rest);
    }
    if !carry.is_empty() {
        own_line(&mut summary, &carry);
    }
    summary
}

/// The check's own merge.
pub fn own_merge(into: &mut Summary, other: &Summary) {
    into.lines += other.lines;
    into.malformed += other.malformed;
    into.bytes += other.bytes;
    into.slowest_ms = into.slowest_ms.max(other.slowest_ms);
    for (k, v) in &other.by_status {
        *into.by_status.entry(*k).or_default() += v;
    }
    for (k, v) in &other.by_path {
        *into.by_path.entry(k.clone()).or_default() += v;
    }
}

/// What differs between two summaries, for a failure message.
pub fn difference(got: &Summary, want: &Summary) -> Option<String> {
    let mut problems = Vec::new();
    for (name, g, w) in [
        ("lines", got.lines, want.lines),
        ("malformed", got.malformed, want.malformed),
        ("bytes", got.bytes, want.bytes),
        ("slowest_ms", got.slowest_ms, want.slowest_ms),
    ] {
        if g != w {
            problems.push(t!(
                "{name} is {g}, expected {w}",
                "{name}이(가) {g}입니다. 예상은 {w}입니다"
            ));
        }
    }
    fn maps<K: Ord + std::fmt::Debug>(
        name: &str,
        got: &BTreeMap<K, u64>,
        want: &BTreeMap<K, u64>,
        problems: &mut Vec<String>,
    ) {
        let keys: std::collections::BTreeSet<&K> = got.keys().chain(want.keys()).collect();
        let wrong: Vec<String> = keys
            .into_iter()
            .filter(|k| got.get(k) != want.get(k))
            .take(3)
            .map(|k| {
                let (g, w) = (
                    got.get(k).copied().unwrap_or(0),
                    want.get(k).copied().unwrap_or(0),
                );
                t!("{k:?}: {g} instead of {w}", "{k:?}: {w}이(가) 아니라 {g}")
            })
            .collect();
        if !wrong.is_empty() {
            let wrong = wrong.join(", ");
            problems.push(t!(
                "{name} differs ({wrong})",
                "{name}이(가) 다릅니다({wrong})"
            ));
        }
    }
    maps("by_status", &got.by_status, &want.by_status, &mut problems);
    maps("by_path", &got.by_path, &want.by_path, &mut problems);
    (!problems.is_empty()).then(|| problems.join("; "))
}

// ---------------------------------------------------------------------------
// Readers that watch how they are read.

/// What a [`Watched`] reader saw.
#[derive(Debug, Clone, Default)]
pub struct ReadLog {
    pub first_read: Option<Instant>,
    pub end: Option<Instant>,
    pub bytes: u64,
    pub largest_request: usize,
    /// The most child processes seen alive at once during the reads.
    pub most_children: usize,
}

impl ReadLog {
    /// From the first read to the end of the input.
    pub fn span(&self) -> Option<Duration> {
        Some(self.end?.saturating_duration_since(self.first_read?))
    }
}

/// A reader that records when it was read and how much.
pub struct Watched<R> {
    inner: R,
    log: Arc<Mutex<ReadLog>>,
    watch_children: bool,
    last_sample: Option<Instant>,
}

impl<R: Read> Watched<R> {
    pub fn new(inner: R, watch_children: bool) -> (Watched<R>, Arc<Mutex<ReadLog>>) {
        let log = Arc::new(Mutex::new(ReadLog::default()));
        (
            Watched {
                inner,
                log: log.clone(),
                watch_children,
                last_sample: None,
            },
            log,
        )
    }
}

impl<R: Read> Read for Watched<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        let now = Instant::now();
        {
            let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
            log.first_read.get_or_insert(now);
            log.largest_request = log.largest_request.max(dst.len());
        }
        if self.watch_children
            && self
                .last_sample
                .is_none_or(|at| now.duration_since(at) >= Duration::from_millis(1))
        {
            self.last_sample = Some(now);
            let children = child_processes();
            let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
            log.most_children = log.most_children.max(children);
        }
        let n = self.inner.read(dst)?;
        let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        log.bytes += n as u64;
        if n == 0 && !dst.is_empty() {
            log.end.get_or_insert_with(Instant::now);
        }
        Ok(n)
    }
}

/// A reader that hands out its data in small pieces of random size, as a
/// pipe or a socket does.
pub struct Trickle<'a> {
    data: &'a [u8],
    state: u64,
    most: usize,
}

impl<'a> Trickle<'a> {
    pub fn new(data: &'a [u8], seed: u64, most: usize) -> Trickle<'a> {
        Trickle {
            data,
            state: seed | 1,
            most: most.max(1),
        }
    }
}

impl Read for Trickle<'_> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        let n = (1 + (self.state % self.most as u64) as usize)
            .min(dst.len())
            .min(self.data.len());
        dst[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

// ---------------------------------------------------------------------------
// /proc

fn status_field(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// The peak resident memory of this process so far, in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    status_field("VmHWM:")
}

/// Bytes this process passed to `write` so far (`wchar` of /proc/self/io).
pub fn bytes_written() -> Option<u64> {
    let io = std::fs::read_to_string("/proc/self/io").ok()?;
    io.lines()
        .find_map(|line| line.strip_prefix("wchar:"))
        .and_then(|n| n.trim().parse().ok())
}

/// Child processes of this process right now (zombies included).
pub fn child_processes() -> usize {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok())
        .map(|children| children.split_whitespace().count())
        .sum()
}

/// A block of whole lines read `times` times over, as fast as memory goes (so
/// a reader that outruns its workers shows at once).
pub struct Repeat {
    block: Arc<Vec<u8>>,
    times: usize,
    at: usize,
}

impl Repeat {
    pub fn new(block: Arc<Vec<u8>>, times: usize) -> Repeat {
        assert!(
            block.ends_with(b"\n"),
            "{}",
            t!(
                "a repeated block holds whole lines",
                "반복되는 블록은 온전한 줄들로 되어 있습니다"
            )
        );
        Repeat {
            block,
            times,
            at: 0,
        }
    }
}

impl Read for Repeat {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        if self.times == 0 {
            return Ok(0);
        }
        let n = dst.len().min(self.block.len() - self.at);
        dst[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        if self.at == self.block.len() {
            self.at = 0;
            self.times -= 1;
        }
        Ok(n)
    }
}
