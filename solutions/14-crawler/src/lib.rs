//! Exercise 14 (capstone): a concurrent web crawler. Read README.md first.
//!
//! Three tasks, one building on the other: [`Politeness`] (one request at a
//! time per host, spaced out), [`fetch_with_retry`] (retry with backoff, cut
//! short by a deadline) and [`crawl`] (at most K requests in flight, each page
//! once, stop when done or at the deadline, join every thread).
//!
//! Given, in [`http`]: a blocking HTTP client (`http::get`), link extraction
//! (`http::links`) and the host of a URL (`http::host`). Replace every
//! `todo!()`; you may add private fields, types and functions as you like,
//! but keep the public signatures.
pub mod http;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use threadlings::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use threadlings::thread;

pub use http::FetchError;

/// How to crawl. Every field is public; start from `CrawlConfig::default()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawlConfig {
    /// At most this many requests in flight at the same moment, over all
    /// hosts (at least 1). With enough pages waiting, really this many.
    pub max_in_flight: usize,
    /// `Some(delay)`: at most one request at a time to the same host, and at
    /// least `delay` between the end of one request to a host and the start
    /// of the next one to it (retries included). `None`: no per-host rule.
    pub politeness: Option<Duration>,
    /// Attempts after the first one for a retryable failure
    /// ([`FetchError::is_retryable`]); 0 means no retry.
    pub max_retries: u32,
    /// The wait after the first failed attempt; it doubles after each further
    /// failure (`backoff`, `2 × backoff`, `4 × backoff`, ...).
    pub backoff: Duration,
    /// The longest one request may take (`http::get`'s timeout).
    pub timeout: Duration,
    /// `Some(limit)`: the crawl stops `limit` after [`crawl`] was called, even
    /// with pages left to fetch. `None`: no deadline.
    pub deadline: Option<Duration>,
}

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            max_in_flight: 4,
            politeness: None,
            max_retries: 2,
            backoff: Duration::from_millis(50),
            timeout: Duration::from_secs(5),
            deadline: None,
        }
    }
}

/// What a crawl found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlReport {
    /// Every page fetched successfully: its URL → its links, exactly as
    /// `http::links(url, &body)` returns them (absolute, in page order,
    /// repeats included).
    pub pages: BTreeMap<String, Vec<String>>,
    /// Every page that could not be fetched, with the error of its last
    /// attempt (after the retries a retryable error gets). Not the pages left
    /// unfetched because of the deadline: those appear nowhere.
    pub failed: BTreeMap<String, FetchError>,
    /// Whether the deadline stopped the crawl before every page was fetched.
    pub cancelled: bool,
}

// ------------------------------------------------------------ 1. politeness

/// Task 1: per-host politeness, shared by all the crawler's threads.
///
/// With `Politeness::new(Some(delay))`, [`Politeness::turn`] lets at most one
/// request to a host run at a time, and starts the next request to a host no
/// sooner than `delay` after the previous one to it *ended* (its [`Turn`] was
/// dropped). Different hosts never wait for each other. With `new(None)`,
/// `turn` never waits.
pub struct Politeness {
    delay: Option<Duration>,
    hosts: Mutex<HashMap<String, HostState>>,
    freed: Condvar,
}

#[derive(Default)]
struct HostState {
    busy: bool,
    /// The earliest start of the next request (last end + delay).
    next_start: Option<Instant>,
}

/// Permission to send one request to a host; the request ends when the turn
/// is dropped.
pub struct Turn<'a> {
    politeness: &'a Politeness,
    host: String,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The time left until `deadline`, `None` once it passed; `Some(None)`
/// without a deadline.
fn time_left(deadline: Option<Instant>) -> Option<Option<Duration>> {
    match deadline {
        None => Some(None),
        Some(deadline) => {
            let left = deadline.saturating_duration_since(Instant::now());
            (!left.is_zero()).then_some(Some(left))
        }
    }
}

impl Politeness {
    /// Politeness with `delay` between requests to the same host (`None`: no
    /// per-host rule at all).
    pub fn new(delay: Option<Duration>) -> Politeness {
        Politeness {
            delay,
            hosts: Mutex::new(HashMap::new()),
            freed: Condvar::new(),
        }
    }

    /// Waits until a request to `host` may start, and returns the turn that
    /// lets it run. Returns `None` when `deadline` passes first (waiting never
    /// goes beyond it).
    pub fn turn(&self, host: &str, deadline: Option<Instant>) -> Option<Turn<'_>> {
        let turn = Turn {
            politeness: self,
            host: host.to_string(),
        };
        if self.delay.is_none() {
            return Some(turn);
        }
        let mut hosts = lock(&self.hosts);
        loop {
            let left = time_left(deadline)?;
            let now = Instant::now();
            let state = hosts.entry(host.to_string()).or_default();
            // How long to wait: until the host is freed (no bound), or until
            // its pause is over.
            let wait = if state.busy {
                None
            } else {
                match state.next_start {
                    Some(at) if at > now => Some(at - now),
                    _ => {
                        state.busy = true;
                        return Some(turn);
                    }
                }
            };
            let wait = match (wait, left) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            hosts = match wait {
                Some(wait) => {
                    self.freed
                        .wait_timeout(hosts, wait)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
                None => self
                    .freed
                    .wait(hosts)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
    }
}

impl Drop for Turn<'_> {
    /// The request ended: free the host, and remember when (the next request
    /// to it may start `delay` later). Wake whoever waits for this host.
    fn drop(&mut self) {
        let Some(delay) = self.politeness.delay else {
            return;
        };
        let mut hosts = lock(&self.politeness.hosts);
        let state = hosts.entry(std::mem::take(&mut self.host)).or_default();
        state.busy = false;
        state.next_start = Some(Instant::now() + delay);
        drop(hosts);
        self.politeness.freed.notify_all();
    }
}

// ------------------------------------------------------------ 2. retry

/// Task 2: fetches `url` with `http::get`, retrying retryable failures.
///
/// See the exercise's documentation for the contract.
pub fn fetch_with_retry(
    url: &str,
    config: &CrawlConfig,
    politeness: &Politeness,
    deadline: Option<Instant>,
) -> Result<String, FetchError> {
    let host = http::host(url).ok_or_else(|| FetchError::BadUrl(url.to_string()))?;
    let mut failures: u32 = 0;
    loop {
        let result = {
            let Some(_turn) = politeness.turn(host, deadline) else {
                return Err(FetchError::Cancelled);
            };
            let timeout = match time_left(deadline) {
                None => return Err(FetchError::Cancelled),
                Some(None) => config.timeout,
                Some(Some(left)) => config.timeout.min(left),
            };
            http::get(url, timeout)
            // `_turn` drops here: the request ended.
        };
        let error = match result {
            Ok(body) => return Ok(body),
            Err(error) => error,
        };
        if !error.is_retryable() || failures >= config.max_retries {
            return Err(error);
        }
        let pause = config.backoff.saturating_mul(1 << failures.min(20));
        failures += 1;
        if let Some(deadline) = deadline
            && Instant::now() + pause >= deadline
        {
            return Err(FetchError::Cancelled);
        }
        thread::sleep(pause);
    }
}

// ------------------------------------------------------------ 3. the crawler

/// What the crawler's threads share, under one lock.
struct State {
    /// URLs found and not yet taken by a worker.
    frontier: VecDeque<String>,
    /// Every URL ever put in the frontier: "new?" and "taken" in one step.
    seen: HashSet<String>,
    /// Pages being fetched right now (they may still add links).
    in_progress: usize,
    report: CrawlReport,
}

struct Shared<'a> {
    state: Mutex<State>,
    changed: Condvar,
    config: &'a CrawlConfig,
    politeness: Politeness,
    deadline: Option<Instant>,
}

/// Task 3: crawls every page reachable from `start` by following links, on
/// any host, and returns what it found.
///
/// See the exercise's documentation for the contract.
pub fn crawl(start: &str, config: &CrawlConfig) -> CrawlReport {
    let deadline = config.deadline.map(|limit| Instant::now() + limit);
    let shared = Shared {
        state: Mutex::new(State {
            frontier: VecDeque::from([start.to_string()]),
            seen: HashSet::from([start.to_string()]),
            in_progress: 0,
            report: CrawlReport::default(),
        }),
        changed: Condvar::new(),
        config,
        politeness: Politeness::new(config.politeness),
        deadline,
    };
    // Scoped threads: all of them are joined before `scope` returns.
    thread::scope(|scope| {
        for _ in 0..config.max_in_flight.max(1) {
            scope.spawn(|| worker(&shared));
        }
    });
    shared
        .state
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .report
}

fn worker(shared: &Shared<'_>) {
    let mut state = lock(&shared.state);
    loop {
        let left = time_left(shared.deadline);
        if left.is_none() {
            // The deadline passed: take nothing new.
            if !state.frontier.is_empty() {
                state.report.cancelled = true;
            }
            shared.changed.notify_all();
            return;
        }
        if let Some(url) = state.frontier.pop_front() {
            state.in_progress += 1;
            drop(state);
            let outcome =
                fetch_with_retry(&url, shared.config, &shared.politeness, shared.deadline)
                    .map(|body| http::links(&url, &body));
            state = lock(&shared.state);
            state.in_progress -= 1;
            match outcome {
                Ok(links) => {
                    for link in &links {
                        if state.seen.insert(link.clone()) {
                            state.frontier.push_back(link.clone());
                        }
                    }
                    state.report.pages.insert(url, links);
                }
                Err(FetchError::Cancelled) => state.report.cancelled = true,
                Err(error) if error.is_retryable() && time_left(shared.deadline).is_none() => {
                    // Cut short by the deadline, not a failure of the page.
                    state.report.cancelled = true;
                }
                Err(error) => {
                    state.report.failed.insert(url, error);
                }
            }
            shared.changed.notify_all();
            continue;
        }
        if state.in_progress == 0 {
            // Nothing waits and nothing can add more: the crawl is over.
            shared.changed.notify_all();
            return;
        }
        state = match left.flatten() {
            Some(left) => {
                shared
                    .changed
                    .wait_timeout(state, left)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
            }
            None => shared
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner),
        };
    }
}
