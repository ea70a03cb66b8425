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
#![allow(unused)]

pub mod http;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

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
///
/// Add the fields you need (a `Mutex` around a map from host to its state, and
/// a `Condvar` to wait on, is one way; take them from `threadlings::sync`).
pub struct Politeness {
    delay: Option<Duration>,
    // your fields
}

/// Permission to send one request to a host; the request ends when the turn
/// is dropped.
pub struct Turn<'a> {
    politeness: &'a Politeness,
    host: String,
}

impl Politeness {
    /// Politeness with `delay` between requests to the same host (`None`: no
    /// per-host rule at all).
    pub fn new(delay: Option<Duration>) -> Politeness {
        todo!()
    }

    /// Waits until a request to `host` may start, and returns the turn that
    /// lets it run. Returns `None` when `deadline` passes first (waiting never
    /// goes beyond it).
    ///
    /// ```ignore
    /// let politeness = Politeness::new(Some(Duration::from_millis(100)));
    /// let turn = politeness.turn("127.0.0.1:8080", None).unwrap();
    /// let body = http::get(url, timeout);   // nobody else fetches from this host now
    /// drop(turn);                            // the next one may start 100 ms from now
    /// ```
    pub fn turn(&self, host: &str, deadline: Option<Instant>) -> Option<Turn<'_>> {
        todo!()
    }
}

impl Drop for Turn<'_> {
    /// The request ended: free the host, and remember when (the next request
    /// to it may start `delay` later). Wake whoever waits for this host.
    fn drop(&mut self) {
        todo!()
    }
}

// ------------------------------------------------------------ 2. retry

/// Task 2: fetches `url` with `http::get`, retrying retryable failures.
///
/// - Every attempt takes a [`Politeness::turn`] for the URL's host and holds
///   it exactly while `http::get` runs.
/// - A success returns the body. A failure that is not retryable
///   ([`FetchError::is_retryable`], e.g. `Status(404)`) returns at once.
/// - A retryable failure is tried again after a pause: `config.backoff` after
///   the first failed attempt, then twice as long after each further one,
///   up to `config.max_retries` retries; after the last one, return the last
///   error. The pause starts when the failed attempt *returned*.
/// - `deadline`: no attempt starts and no pause or wait goes beyond it; an
///   attempt's timeout is `config.timeout`, or the time left until the
///   deadline if that is shorter. When the deadline stops the work, return
///   `Err(FetchError::Cancelled)`.
/// - A URL without a host is `Err(FetchError::BadUrl(url))`.
pub fn fetch_with_retry(
    url: &str,
    config: &CrawlConfig,
    politeness: &Politeness,
    deadline: Option<Instant>,
) -> Result<String, FetchError> {
    todo!()
}

// ------------------------------------------------------------ 3. the crawler

/// Task 3: crawls every page reachable from `start` by following links, on
/// any host, and returns what it found.
///
/// - **Bounded concurrency**: never more than `config.max_in_flight` requests
///   in flight at once, and really that many when enough pages wait (a pool
///   of `max_in_flight` worker threads sharing a frontier is the classic
///   way; a thread per page is not bounded).
/// - **Each page once**: a URL is fetched (with its retries) at most once,
///   however many pages link to it, also when several threads find it at the
///   same moment. Deciding "new URL?" and marking it taken must be one step.
/// - Each request goes through [`fetch_with_retry`] with one [`Politeness`]
///   shared by all threads (`config.politeness`).
/// - **Termination**: the crawl is over when no page waits *and* none is being
///   fetched (a page being fetched may still add links). Threads waiting for
///   work must learn that, or they wait forever.
/// - **Deadline** (`config.deadline`, from the moment `crawl` was called): no
///   request starts after it, requests in flight are cut at it (their timeout
///   ends there), and `crawl` returns right after with `cancelled: true` if
///   pages were left.
/// - **Clean shutdown**: every thread the crawl started has ended (joined)
///   when it returns.
pub fn crawl(start: &str, config: &CrawlConfig) -> CrawlReport {
    todo!()
}
