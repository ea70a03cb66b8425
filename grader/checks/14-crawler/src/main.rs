//! Hidden checks of exercise 14-crawler.
//!
//! Every check starts a real HTTP server on 127.0.0.1 (`server.rs`: one
//! listener per host on a port the kernel picks) serving a web (`web.rs`)
//! with per-page latency and failures, lets the student's crawler loose on
//! it, and judges by what the *server* saw. The server's view never wrongs a
//! correct crawler: a request's server-side span (request read → before the
//! first response byte) lies inside the client's `http::get` call, so
//! overlaps and gaps seen here bound those of the client (see `server.rs`).
//!
//! How each property is proven:
//! - bounded concurrency: a `LimitProbe` in the server holds requests until
//!   K are in flight, then watches for a (K+1)-th: a crawler without a bound
//!   starts it at once; one without concurrency never reaches K (any machine);
//! - each page once: pages linked many times over, twice in a row, by pages
//!   fetched at the same time, with 120 ms of server latency: a crawler that
//!   marks a URL visited only after fetching it lets a second thread take the
//!   same URL during those 120 ms, every run;
//! - latency: a sleep never ends early, so a crawl that fetched one page at a
//!   time cannot beat the sum of latencies; the limit sits halfway between
//!   that and a greedy K-worker schedule of the same web;
//! - politeness and backoff: gaps between the server-side spans (no clock
//!   tolerance needed, see above);
//! - deadline and shutdown: an endless web with pages that never answer;
//!   `crawl` must return soon after the deadline, and every thread it started
//!   must be gone (threads are counted from /proc/self/task, the server's own
//!   threads, all named `web:*`, excluded).

mod explore;
mod server;
mod stress;
mod web;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crawler::{CrawlConfig, CrawlReport, FetchError, Politeness};
use rand::Rng;
use server::{Answer, Outcome, Probes, Reply, Served, Server, Site};
use threadlings_kit::timing::{LimitProbe, PATIENCE, Recorder, Release, SETTLE, ms, timed};
use threadlings_kit::{CheckResult, Ctx, Failure, Stop, ensure, ensure_eq, fail, within};
use web::{Behaviour, Expected, ExpectedReport, Web};

use explore::politeness_explore;
use stress::crawl_stress;

threadlings_kit::checks![
    fetch_with_retry_recovers,
    fetch_with_retry_gives_up,
    politeness_spaces_requests,
    politeness_explore,
    discovers_fixed_web,
    discovers_random_webs,
    crawl_stress,
    fetches_each_page_once,
    never_exceeds_in_flight_limit,
    reaches_in_flight_limit,
    crawl_time_near_critical_path,
    retries_failed_pages,
    stops_at_deadline,
    returns_when_frontier_empties,
    no_thread_left_running,
];

/// A crawl of a small web that should be over in well under a second.
const CRAWL_LIMIT: Duration = Duration::from_secs(15);

fn io_fail(what: &str, e: std::io::Error) -> Stop {
    Stop::Fail(Failure::new(format!(
        "the check could not {what}: {e} (a problem of the machine, not of your code)"
    )))
}

/// Binds `hosts` listeners and serves `web` (built for their addresses).
fn serve(
    hosts: usize,
    build: impl FnOnce(Vec<String>) -> Web,
    probes: Probes,
) -> Result<(Arc<Web>, Server), Stop> {
    let bound = server::bind(hosts).map_err(|e| io_fail("bind a port on 127.0.0.1", e))?;
    let web = Arc::new(build(bound.hosts.clone()));
    let server = bound.serve(SharedWeb(web.clone()), probes);
    Ok((web, server))
}

/// Serves a web that the check also keeps.
struct SharedWeb(Arc<Web>);

impl Site for SharedWeb {
    fn answer(&self, host: usize, path: &str, attempt: u32) -> Answer {
        self.0.answer(host, path, attempt)
    }
}

fn config(max_in_flight: usize) -> CrawlConfig {
    CrawlConfig {
        max_in_flight,
        politeness: None,
        max_retries: 2,
        backoff: Duration::from_millis(20),
        timeout: Duration::from_secs(30),
        deadline: None,
    }
}

/// Runs `crawl(start, config)` under a watchdog. A crawl that does not return
/// is explained with what the server saw: if nothing was in flight for a
/// while, the crawl was over and the threads never learned it.
fn run_crawl(
    server: &Server,
    start: String,
    config: &CrawlConfig,
    limit: Duration,
) -> Result<(CrawlReport, Duration), Stop> {
    let what = format!(
        "crawl(\"{start}\", max_in_flight = {})",
        config.max_in_flight
    );
    let config = config.clone();
    let called = Instant::now();
    match within(limit, &what, move || {
        timed(|| crawler::crawl(&start, &config))
    }) {
        Ok(done) => Ok(done),
        Err(Stop::Fail(failure)) => {
            let (open, last) = server.activity();
            let idle = last.elapsed();
            if open == 0 && idle >= Duration::from_secs(1) {
                let served = server.log().len();
                Err(Stop::Fail(
                    Failure::new(format!(
                        "{what} never returned. The crawl itself was over: the server answered \
                         {served} requests, the last one {} after the call, and then had \
                         nothing in flight for {:.1} s. Threads that wait for new URLs must \
                         also learn that the crawl is over: no URL waiting *and* no page being \
                         fetched (a page being fetched may still add links). Then wake every \
                         waiting thread so they all return, and join them.",
                        ms(last.saturating_duration_since(called)),
                        idle.as_secs_f64()
                    ))
                    .expected(format!("crawl returns within {:.0} s", limit.as_secs_f64()))
                    .actual("still waiting".to_string()),
                ))
            } else {
                Err(Stop::Fail(Failure::new(format!(
                    "{} (the server still had {open} request(s) open)",
                    failure.message
                ))))
            }
        }
        Err(other) => Err(other),
    }
}

fn failed_kind(error: &FetchError) -> String {
    match error {
        FetchError::Status(code) => format!("Status({code})"),
        FetchError::Io(_) => "Io(..)".to_string(),
        other => format!("{other:?}"),
    }
}

fn expected_kind(expected: &Expected) -> String {
    match expected {
        Expected::Status(code) => format!("Status({code})"),
        Expected::Io => "Io(..)".to_string(),
    }
}

fn list(urls: &[&String]) -> String {
    let shown: Vec<&str> = urls.iter().take(6).map(|u| u.as_str()).collect();
    let more = urls.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// Compares a report with the expected one; `what` names the web.
fn compare(report: &CrawlReport, expected: &ExpectedReport, what: &str) -> CheckResult {
    let missing: Vec<&String> = expected
        .pages
        .keys()
        .filter(|url| !report.pages.contains_key(*url))
        .collect();
    if !missing.is_empty() {
        let linked_from = |url: &String| {
            expected
                .pages
                .iter()
                .find(|(_, links)| links.contains(url))
                .map_or("the start".to_string(), |(from, _)| from.clone())
        };
        let first = missing[0];
        let in_failed = missing
            .iter()
            .filter(|url| report.failed.contains_key(**url))
            .count();
        fail!(
            "{what}: {} of {} reachable pages are missing from `pages`: {}. For example {first} \
             (linked from {}){}",
            missing.len(),
            expected.pages.len(),
            list(&missing),
            linked_from(first),
            if in_failed > 0 {
                format!(
                    "; {in_failed} of them are in `failed` although they can be fetched \
                     (a retryable error must be retried: 5xx, I/O errors)"
                )
            } else {
                ". Every link of every fetched page must be followed, on every host, until \
                 nothing is left"
                    .to_string()
            }
        );
    }
    let extra: Vec<&String> = report
        .pages
        .keys()
        .filter(|url| !expected.pages.contains_key(*url))
        .collect();
    if !extra.is_empty() {
        fail!(
            "{what}: `pages` has {} URL(s) that are not reachable pages of the web: {}",
            extra.len(),
            list(&extra)
        );
    }
    for (url, links) in &expected.pages {
        ensure_eq!(
            report.pages[url],
            *links,
            "{what}: the links of {url} are wrong (they must be `http::links(url, &body)` of its \
             body: absolute, in page order, repeats included)"
        );
    }
    let got: BTreeMap<&String, String> = report
        .failed
        .iter()
        .map(|(url, error)| (url, failed_kind(error)))
        .collect();
    let want: BTreeMap<&String, String> = expected
        .failed
        .iter()
        .map(|(url, expected)| (url, expected_kind(expected)))
        .collect();
    ensure_eq!(
        got,
        want,
        "{what}: `failed` must list exactly the pages that cannot be fetched, each with the \
         error of its last attempt"
    );
    ensure!(
        !report.cancelled,
        "{what}: `cancelled` is true although there was no deadline"
    );
    Ok(())
}

/// Requests per URL seen by the server.
fn requests_per_url(server: &Server, log: &[Served]) -> BTreeMap<String, Vec<Served>> {
    let mut per: BTreeMap<String, Vec<Served>> = BTreeMap::new();
    for served in log {
        per.entry(server.url(served.host, &served.path))
            .or_default()
            .push(served.clone());
    }
    for list in per.values_mut() {
        list.sort_by_key(|s| s.start);
    }
    per
}

// ---------------------------------------------------------------------------
// Task 2: fetch_with_retry

fn one_host_web(build: impl FnOnce(&mut Web)) -> impl FnOnce(Vec<String>) -> Web {
    move |hosts| {
        let mut web = Web::new(hosts);
        build(&mut web);
        web
    }
}

fn call_fetch(url: String, config: &CrawlConfig) -> Result<Result<String, FetchError>, Stop> {
    let config = config.clone();
    within(
        Duration::from_secs(15),
        &format!("fetch_with_retry(\"{url}\", ..)"),
        move || crawler::fetch_with_retry(&url, &config, &Politeness::new(None), None),
    )
}

fn fetch_with_retry_recovers(ctx: &mut Ctx) -> CheckResult {
    let failures = ctx.rng().random_range(1..=2u32);
    let how = if ctx.rng().random_bool(0.5) {
        web::Failure::Unavailable
    } else {
        web::Failure::Dropped
    };
    let other = match how {
        web::Failure::Unavailable => web::Failure::Dropped,
        web::Failure::Dropped => web::Failure::Unavailable,
    };
    let (web, server) = serve(
        1,
        one_host_web(|web| {
            let spec = web.page(0, "/flaky", vec![]);
            spec.behaviour = Behaviour::FailFirst(failures, how);
            spec.latency = Duration::from_millis(5);
            let links = vec![web.link("/flaky", 0, "/flaky")];
            let spec = web.page(0, "/flaky-too", links);
            spec.behaviour = Behaviour::FailFirst(1, other);
        }),
        Probes::default(),
    )?;
    let mut config = config(1);
    config.max_retries = failures + ctx.rng().random_range(0..=1);
    config.backoff = Duration::from_millis(40);
    for (path, fails) in [("/flaky", failures), ("/flaky-too", 1)] {
        let url = server.url(0, path);
        let got = call_fetch(url.clone(), &config)?;
        let body = web.body(&web.pages[&(0, path.to_string())]);
        let kind = match web.pages[&(0, path.to_string())].behaviour {
            Behaviour::FailFirst(_, web::Failure::Dropped) => {
                "closes the connection without a response"
            }
            _ => "answers 503 Service Unavailable",
        };
        match got {
            Ok(text) => ensure!(
                text == body,
                "fetch_with_retry(\"{url}\") returned a body that is not the page's"
            ),
            Err(error) => fail!(
                "fetch_with_retry(\"{url}\", max_retries = {}) gave up with {error:?}, but the page \
                 only {kind} the first {fails} time(s) and then works: a retryable error \
                 (FetchError::is_retryable) must be tried again, up to max_retries times",
                config.max_retries
            ),
        }
        let log = server.log();
        let attempts: Vec<&Served> = log.iter().filter(|s| s.path == path).collect();
        ensure_eq!(
            attempts.len(),
            fails as usize + 1,
            "fetch_with_retry(\"{url}\") must request the page once per attempt: {fails} failed \
             attempt(s), then the one that works, and no more"
        );
        for i in 1..attempts.len() {
            let gap = attempts[i]
                .start
                .saturating_duration_since(attempts[i - 1].end);
            let backoff = config.backoff * (1 << (i - 1));
            ensure!(
                gap >= backoff,
                "fetch_with_retry(\"{url}\"): attempt {} started {} after attempt {} failed; the \
                 backoff asks for at least {} (backoff {} after the first failure, doubling \
                 after each further one, counted from when the failed attempt returned)",
                i + 1,
                ms(gap),
                i,
                ms(backoff),
                ms(config.backoff)
            );
        }
    }
    Ok(())
}

fn fetch_with_retry_gives_up(ctx: &mut Ctx) -> CheckResult {
    let (_web, server) = serve(
        1,
        one_host_web(|web| {
            web.page(0, "/down", vec![]).behaviour =
                Behaviour::AlwaysFail(web::Failure::Unavailable);
            web.page(0, "/once", vec![]).behaviour =
                Behaviour::FailFirst(1, web::Failure::Unavailable);
        }),
        Probes::default(),
    )?;
    let mut config = config(1);
    config.max_retries = ctx.rng().random_range(1..=3u32);
    config.backoff = Duration::from_millis(10);
    let count = |path: &str| server.log().iter().filter(|s| s.path == path).count();

    let url = server.url(0, "/down");
    let got = call_fetch(url.clone(), &config)?;
    ensure_eq!(
        got,
        Err(FetchError::Status(503)),
        "fetch_with_retry(\"{url}\") on a page that always answers 503 must give up after \
         max_retries = {} retries with the last error",
        config.max_retries
    );
    ensure_eq!(
        count("/down"),
        config.max_retries as usize + 1,
        "requests for a page that always fails, with max_retries = {}: the first attempt and \
         max_retries retries",
        config.max_retries
    );

    let url = server.url(0, "/missing");
    let got = call_fetch(url.clone(), &config)?;
    ensure_eq!(
        got,
        Err(FetchError::Status(404)),
        "fetch_with_retry(\"{url}\") on a missing page"
    );
    ensure_eq!(
        count("/missing"),
        1,
        "requests for a page that answers 404: a 4xx status is final (not retryable), so it \
         is requested once"
    );

    let mut no_retry = config.clone();
    no_retry.max_retries = 0;
    let url = server.url(0, "/once");
    let got = call_fetch(url.clone(), &no_retry)?;
    ensure_eq!(
        got,
        Err(FetchError::Status(503)),
        "fetch_with_retry(\"{url}\") with max_retries = 0 does not retry"
    );
    ensure_eq!(count("/once"), 1, "requests with max_retries = 0");

    let got = call_fetch("ftp://127.0.0.1/file".to_string(), &config)?;
    ensure_eq!(
        got,
        Err(FetchError::BadUrl("ftp://127.0.0.1/file".to_string())),
        "fetch_with_retry on a URL without an http:// host"
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Task 1 through crawl: politeness

fn politeness_spaces_requests(ctx: &mut Ctx) -> CheckResult {
    let delay = Duration::from_millis(ctx.rng().random_range(120..=180));
    let max_in_flight = ctx.rng().random_range(3..=5);
    let (web, server) = serve(
        3,
        |hosts| {
            let mut web = Web::new(hosts);
            let mut root_links = Vec::new();
            for host in 0..3 {
                for i in 0..4 {
                    let path = format!("/h{host}/p{i}");
                    if host != 0 || i != 0 {
                        root_links.push(web.abs(host, &path));
                    }
                    web.page(host, &path, vec![]).latency = Duration::from_millis(20);
                }
            }
            web.page(0, "/", root_links).latency = Duration::from_millis(20);
            web
        },
        Probes::default(),
    )?;
    let mut config = config(max_in_flight);
    config.politeness = Some(delay);
    let (report, _) = run_crawl(&server, web.root_url(), &config, CRAWL_LIMIT)?;
    compare(
        &report,
        &web.expected(config.max_retries),
        "a web of 3 hosts",
    )?;
    let log = server.log();
    for host in 0..3 {
        let mut spans: Vec<&Served> = log.iter().filter(|s| s.host == host).collect();
        spans.sort_by_key(|s| s.start);
        for pair in spans.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            ensure!(
                b.start >= a.end,
                "two requests to host {} were in flight at the same time ({} and {}): with \
                 politeness, a host gets one request at a time",
                web.hosts[host],
                a.path,
                b.path
            );
            let gap = b.start - a.end;
            ensure!(
                gap >= delay,
                "a request to host {} ({}) started {} after the previous one to it ({}) ended; \
                 politeness = {} asks for at least that much between two requests to the same \
                 host (counted from the end of the previous request, when its Turn drops)",
                web.hosts[host],
                b.path,
                ms(gap),
                a.path,
                ms(delay)
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Task 3: crawl

fn discovers_fixed_web(ctx: &mut Ctx) -> CheckResult {
    let max_in_flight = ctx.rng().random_range(2..=4);
    let (web, server) = serve(2, web::fixed, Probes::default())?;
    let config = config(max_in_flight);
    let (report, _) = run_crawl(&server, web.root_url(), &config, CRAWL_LIMIT)?;
    compare(
        &report,
        &web.expected(config.max_retries),
        "the hand-made web of 2 hosts (relative, ../, #fragment, mailto: links, cycles, 404s)",
    )
}

fn discovers_random_webs(ctx: &mut Ctx) -> CheckResult {
    for round in 1..=3 {
        let max_in_flight = ctx.rng().random_range(1..=6);
        let seed: u64 = ctx.rng().random();
        let (web, server) = serve(
            2,
            |hosts| {
                use rand::SeedableRng;
                web::random(hosts, &mut rand::rngs::StdRng::seed_from_u64(seed))
            },
            Probes::default(),
        )?;
        let config = config(max_in_flight);
        let (report, _) = run_crawl(&server, web.root_url(), &config, CRAWL_LIMIT)?;
        compare(
            &report,
            &web.expected(config.max_retries),
            &format!(
                "random web {round} of 3 ({} pages on 2 hosts, max_in_flight = {max_in_flight})",
                web.pages.len()
            ),
        )?;
        let per = requests_per_url(&server, &server.log());
        for (url, want) in web.expected_requests(config.max_retries) {
            let got = per.get(&url).map_or(0, Vec::len);
            ensure!(
                got as u32 == want,
                "random web {round}: {url} was requested {got} time(s), expected {want}"
            );
        }
    }
    Ok(())
}

fn fetches_each_page_once(ctx: &mut Ctx) -> CheckResult {
    let max_in_flight = ctx.rng().random_range(3..=5);
    let shared = 10;
    let (web, server) = serve(
        1,
        |hosts| {
            let mut web = Web::new(hosts);
            let mut root_links = Vec::new();
            for hub in 0..max_in_flight {
                let path = format!("/hub/{hub}");
                root_links.push(web.link(&path, 0, &path));
                // Every hub links to every shared page, each twice in a row,
                // starting at a different one.
                let mut links = Vec::new();
                for k in 0..shared {
                    let target = format!("/shared/{}", (hub + k) % shared);
                    links.push(web.link(&target, 0, &target));
                    links.push(web.abs(0, &target));
                }
                web.page(0, &path, links).latency = Duration::from_millis(30);
            }
            for k in 0..shared {
                let next = format!("/shared/{}", (k + 1) % shared);
                let links = vec![
                    web.link("/", 0, "/"),
                    web.link(&next, 0, &next),
                    web.link(&next, 0, &next),
                ];
                web.page(0, &format!("/shared/{k}"), links).latency = Duration::from_millis(120);
            }
            web.page(0, "/", root_links);
            web
        },
        Probes::default(),
    )?;
    let config = config(max_in_flight);
    let (report, _) = run_crawl(&server, web.root_url(), &config, CRAWL_LIMIT)?;
    let per = requests_per_url(&server, &server.log());
    let repeated: Vec<(&String, &Vec<Served>)> =
        per.iter().filter(|(_, list)| list.len() > 1).collect();
    if let Some((url, list)) = repeated.first() {
        let overlapping = list[1].start < list[0].end;
        fail!(
            "{} page(s) were fetched more than once: {url} {} times{} ({} page(s) in all). Two \
             threads both decided the URL was new: checking the visited set and marking the \
             URL as taken must be one step under one lock (HashSet::insert returns whether the \
             value was new), done before the page is fetched, not after",
            repeated.len(),
            list.len(),
            if overlapping {
                ", the second request while the first was still in flight"
            } else {
                ""
            },
            repeated.len()
        );
    }
    compare(
        &report,
        &web.expected(config.max_retries),
        "a web whose pages are linked many times over",
    )
}

/// The in-flight web: the start page links to many pages on 2 hosts; each of
/// them links to one more.
fn wide_web(leaves: usize) -> impl FnOnce(Vec<String>) -> Web {
    move |hosts| {
        let mut web = Web::new(hosts);
        let mut root_links = Vec::new();
        for i in 0..leaves {
            let host = i % 2;
            let path = format!("/leaf/{i}");
            root_links.push(web.abs(host, &path));
            let deeper = format!("/deeper/{i}");
            let links = vec![web.link(&deeper, host, &deeper)];
            web.page(host, &path, links).latency = Duration::from_millis(10);
            web.page(host, &deeper, vec![]).latency = Duration::from_millis(10);
        }
        // The start page is slow, so every other worker is already waiting
        // for work when its links arrive: they all have to be woken then.
        web.page(0, "/", root_links).latency = Duration::from_millis(200);
        web
    }
}

/// What a probed crawl leaves to judge.
struct Probed {
    probe: Arc<LimitProbe>,
    recorder: Arc<Recorder>,
    k: usize,
    leaves: usize,
    server: Server,
}

/// Crawls the wide web with a limit probe in the server (the start page,
/// fetched alone, is exempt).
fn probed_crawl(ctx: &mut Ctx) -> Result<Probed, Stop> {
    // At least 3: the worker that fetched the start page plus one woken
    // worker make 2, so only K >= 3 tells "woke one" from "woke every one".
    let k = ctx.rng().random_range(3..=5);
    let leaves = 3 * k + 4;
    let probe = Arc::new(LimitProbe::new(k, SETTLE, PATIENCE));
    let recorder = Recorder::new(format!("requests seen by the server, max_in_flight = {k}"));
    let probes = Probes {
        limit: Some(probe.clone()),
        recorder: Some(recorder.clone()),
        exempt: vec![(0, "/".to_string())],
    };
    let (web, server) = serve(2, wide_web(leaves), probes)?;
    let config = config(k);
    let (report, _) = run_crawl(&server, web.root_url(), &config, Duration::from_secs(30))?;
    compare(
        &report,
        &web.expected(config.max_retries),
        "a web of one page linking to many",
    )?;
    recorder.note(format!(
        "peak in flight {} (limit {k}), release: {:?}",
        probe.peak(),
        probe.release()
    ));
    Ok(Probed {
        probe,
        recorder,
        k,
        leaves,
        server,
    })
}

fn never_exceeds_in_flight_limit(ctx: &mut Ctx) -> CheckResult {
    let Probed {
        probe,
        recorder,
        k,
        leaves,
        server,
    } = probed_crawl(ctx)?;
    let _evidence = recorder.evidence_on_exit(ctx);
    let peak = probe.peak().max(server.peak_in_flight());
    ensure!(
        peak <= k && probe.release() != Release::Exceeded,
        "the server had {peak} requests in flight at once, but max_in_flight = {k}. The start \
         page links to {leaves} pages: a thread per page (or per link) is not a bound. Start \
         max_in_flight worker threads that take URLs from a shared frontier, one request at a \
         time each"
    );
    Ok(())
}

fn reaches_in_flight_limit(ctx: &mut Ctx) -> CheckResult {
    let Probed {
        probe,
        recorder,
        k,
        leaves,
        ..
    } = probed_crawl(ctx)?;
    let _evidence = recorder.evidence_on_exit(ctx);
    // Reached while the server held the first requests: none of them had
    // finished, so every worker busy then was woken by the start page's
    // links, not by a later page.
    ensure!(
        probe.reached() && probe.release() != Release::GaveUp,
        "with {leaves} pages waiting, at most {} request(s) were in flight at once while the \
         server held the first ones (for {:.0} s), but max_in_flight = {k}: the crawl must \
         keep {k} requests going while there is work. Are the workers fetching one after \
         another, e.g. while holding the lock? Or are the workers waiting for work not all \
         woken when new links arrive (notify_one where every waiter may have work)?",
        probe.peak(),
        PATIENCE.as_secs_f64()
    );
    Ok(())
}

fn crawl_time_near_critical_path(ctx: &mut Ctx) -> CheckResult {
    let k = 4;
    let each = Duration::from_millis(80);
    let (top, below) = (8, 3);
    let recorder = Recorder::new(format!(
        "crawl of 1 + {top} + {} pages of {} each, max_in_flight = {k}",
        top * below,
        ms(each)
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let probes = Probes {
        recorder: Some(recorder.clone()),
        ..Probes::default()
    };
    let (web, server) = serve(
        1,
        |hosts| {
            let mut web = Web::new(hosts);
            let mut root_links = Vec::new();
            for i in 0..top {
                let path = format!("/t{i}");
                root_links.push(web.link(&path, 0, &path));
                let mut links = Vec::new();
                for j in 0..below {
                    let child = format!("/t{i}/c{j}");
                    links.push(web.link(&child, 0, &child));
                    web.page(0, &child, vec![]).latency = each;
                }
                web.page(0, &path, links).latency = each;
            }
            web.page(0, "/", root_links).latency = each;
            web
        },
        probes,
    )?;
    let pages = 1 + top + top * below;
    let latency = threadlings_kit::timing::Latency {
        concurrent: greedy_time(&web, k),
        sequential: each * pages as u32,
    };
    let config = config(k);
    let measurement = latency.measure(3, || {
        let (report, took) = run_crawl(&server, web.root_url(), &config, CRAWL_LIMIT)?;
        ensure_eq!(
            report.pages.len(),
            pages,
            "pages found by the crawl (every run must find all of them)"
        );
        Ok(took)
    })?;
    recorder.note(measurement.note());
    measurement.judge(&format!(
        "crawling {pages} pages that each take {} to answer, with max_in_flight = {k},",
        ms(each)
    ))
}

/// The time a crawl with `k` workers takes when every worker takes the
/// oldest waiting URL as soon as it is free (no overhead).
fn greedy_time(web: &Web, k: usize) -> Duration {
    let expected = web.expected(0);
    let latency = |url: &String| {
        web.pages
            .iter()
            .find(|((h, p), _)| web.url(*h, p) == *url)
            .map_or(Duration::ZERO, |(_, s)| s.latency)
    };
    let mut seen = std::collections::BTreeSet::from([web.root_url()]);
    let mut waiting = std::collections::VecDeque::from([web.root_url()]);
    let mut running: Vec<(Duration, String)> = Vec::new();
    let mut now = Duration::ZERO;
    loop {
        while running.len() < k
            && let Some(url) = waiting.pop_front()
        {
            running.push((now + latency(&url), url));
        }
        if running.is_empty() {
            return now;
        }
        running.sort();
        let (end, url) = running.remove(0);
        now = end;
        for link in expected.pages.get(&url).into_iter().flatten() {
            if seen.insert(link.clone()) {
                waiting.push_back(link.clone());
            }
        }
    }
}

fn retries_failed_pages(ctx: &mut Ctx) -> CheckResult {
    let max_in_flight = ctx.rng().random_range(2..=4);
    let (web, server) = serve(
        1,
        one_host_web(|web| {
            let links = vec![
                web.link("/a", 0, "/a"),
                web.link("/b", 0, "/b"),
                web.link("/c", 0, "/c"),
                web.link("/d", 0, "/d"),
                web.link("/e", 0, "/e"),
            ];
            web.page(0, "/", links);
            let links = vec![web.link("/a/1", 0, "/a/1"), web.link("/a/2", 0, "/a/2")];
            web.page(0, "/a", links).behaviour = Behaviour::FailFirst(2, web::Failure::Unavailable);
            let links = vec![web.link("/b/1", 0, "/b/1")];
            web.page(0, "/b", links).behaviour = Behaviour::FailFirst(1, web::Failure::Dropped);
            let links = vec![web.link("/c/1", 0, "/c/1")];
            web.page(0, "/c", links).behaviour = Behaviour::AlwaysFail(web::Failure::Unavailable);
            // "/d" does not exist: 404.
            web.page(0, "/e", vec![]);
            let links = vec![web.link("/e", 0, "/e")];
            web.page(0, "/a/1", links);
            web.page(0, "/a/2", vec![]);
            web.page(0, "/b/1", vec![]);
            web.page(0, "/c/1", vec![]);
            for spec in web.pages.values_mut() {
                spec.latency = Duration::from_millis(5);
            }
        }),
        Probes::default(),
    )?;
    let config = config(max_in_flight);
    let (report, _) = run_crawl(&server, web.root_url(), &config, CRAWL_LIMIT)?;
    compare(
        &report,
        &web.expected(config.max_retries),
        "a web with pages that fail (503 twice, a dropped connection once, 503 always, a 404), \
         max_retries = 2",
    )?;
    let per = requests_per_url(&server, &server.log());
    for (url, want) in web.expected_requests(config.max_retries) {
        let got = per.get(&url).map_or(0, Vec::len);
        ensure!(
            got as u32 == want,
            "{url} was requested {got} time(s), expected {want}: a page that fails with a \
             retryable error is tried 1 + max_retries times at most and no more once it worked; \
             a 404 is final"
        );
    }
    Ok(())
}

/// An endless web: `/n/i` links to `/n/3i+1`, `/n/3i+2`, `/n/3i+3`; every
/// fifth page never answers.
struct Endless {
    latency: Duration,
}

impl Site for Endless {
    fn answer(&self, _host: usize, path: &str, _attempt: u32) -> Answer {
        let index: Option<u64> = if path == "/" {
            None
        } else {
            match path.strip_prefix("/n/").and_then(|i| i.parse().ok()) {
                Some(i) => Some(i),
                None => {
                    return Answer {
                        reply: Reply::Status(404),
                        latency: Duration::ZERO,
                    };
                }
            }
        };
        let children: Vec<u64> = match index {
            None => vec![0],
            Some(i) if i % 5 == 4 => {
                return Answer {
                    reply: Reply::Tarpit,
                    latency: Duration::ZERO,
                };
            }
            Some(i) => (1..=3).map(|c| 3 * i + c).collect(),
        };
        let mut html = String::from("<html><body>\n");
        for child in children {
            html.push_str(&format!("<a href=\"/n/{child}\">{child}</a>\n"));
        }
        html.push_str("</body></html>\n");
        Answer {
            reply: Reply::Page(html),
            latency: self.latency,
        }
    }
}

fn endless_server() -> Result<Server, Stop> {
    let bound = server::bind(1).map_err(|e| io_fail("bind a port on 127.0.0.1", e))?;
    Ok(bound.serve(
        Endless {
            latency: Duration::from_millis(40),
        },
        Probes::default(),
    ))
}

/// How long after the deadline `crawl` may return: it has only to notice
/// (requests in flight time out at the deadline) and join its threads.
const DEADLINE_SLACK: Duration = Duration::from_millis(1500);

fn deadline_config(deadline: Duration) -> CrawlConfig {
    let mut config = config(4);
    config.deadline = Some(deadline);
    config
}

fn stops_at_deadline(ctx: &mut Ctx) -> CheckResult {
    let deadline = Duration::from_millis(ctx.rng().random_range(500..=800));
    let server = endless_server()?;
    let config = deadline_config(deadline);
    let start = server.url(0, "/");
    let limit = deadline + DEADLINE_SLACK + Duration::from_secs(5);
    let what = format!("crawl of an endless web with deadline {}", ms(deadline));
    let cfg = config.clone();
    let outcome = within(limit, &what, move || timed(|| crawler::crawl(&start, &cfg)));
    let (report, took) = match outcome {
        Ok(done) => done,
        Err(Stop::Fail(_)) => fail!(
            "{what} had not returned {:.1} s after it was called. The web never ends and some \
             pages never answer: the crawl must stop taking URLs at the deadline, and a request \
             in flight must be cut there (its timeout is the time left until the deadline, \
             not config.timeout = {:.0} s)",
            limit.as_secs_f64(),
            config.timeout.as_secs_f64()
        ),
        Err(other) => return Err(other),
    };
    ensure!(
        took <= deadline + DEADLINE_SLACK,
        "{what} returned {} after it was called, more than {} after the deadline. Requests in \
         flight must be cut at the deadline (timeout = time left), and threads waiting for work \
         or for a host must stop waiting there",
        ms(took),
        ms(DEADLINE_SLACK)
    );
    ensure!(
        report.cancelled,
        "{what}: the deadline stopped the crawl with pages left, so `cancelled` must be true"
    );
    ensure!(
        !report.pages.is_empty(),
        "{what}: no page in the report; the pages fetched before the deadline belong in `pages`"
    );
    let log = server.log();
    let endless = Endless {
        latency: Duration::ZERO,
    };
    for (url, links) in &report.pages {
        let path = url.strip_prefix(&server.url(0, "")).unwrap_or(url);
        let served = log
            .iter()
            .any(|s| s.path == path && s.outcome == Outcome::Ok);
        ensure!(
            served,
            "{what}: `pages` lists {url}, which the server never served"
        );
        let Reply::Page(body) = endless.answer(0, path, 1).reply else {
            fail!("{what}: `pages` lists {url}, which never answers");
        };
        let want = crawler::http::links(url, &body);
        ensure_eq!(*links, want, "{what}: the links of {url}");
    }
    for (url, error) in &report.failed {
        ensure!(
            *error != FetchError::Timeout && *error != FetchError::Cancelled,
            "{what}: {url} is in `failed` with {error:?}, but it was cut by the deadline: pages \
             left because of the deadline appear nowhere (only `cancelled` says so)"
        );
    }
    Ok(())
}

fn returns_when_frontier_empties(ctx: &mut Ctx) -> CheckResult {
    let max_in_flight = ctx.rng().random_range(2..=4);
    let (web, server) = serve(
        1,
        one_host_web(|web| {
            let links = vec![web.link("/a", 0, "/a")];
            web.page(0, "/", links);
            let links = vec![web.link("/b", 0, "/b"), web.link("/", 0, "/")];
            web.page(0, "/a", links).latency = Duration::from_millis(30);
            web.page(0, "/b", vec![]).latency = Duration::from_millis(30);
        }),
        Probes::default(),
    )?;
    let config = config(max_in_flight);
    let (report, _) = run_crawl(&server, web.root_url(), &config, Duration::from_secs(8))?;
    compare(
        &report,
        &web.expected(config.max_retries),
        "a chain of 3 pages",
    )
}

fn no_thread_left_running(ctx: &mut Ctx) -> CheckResult {
    let baseline = server::threads_outside_server()
        .ok_or_else(|| Stop::Skip("cannot read /proc/self/task on this machine".to_string()))?;
    let patience = Duration::from_secs(2);
    let wait_for_threads = |what: &str| -> CheckResult {
        let started = Instant::now();
        let mut now = server::threads_outside_server().unwrap_or(0);
        while now > baseline && started.elapsed() < patience {
            std::thread::sleep(Duration::from_millis(5));
            now = server::threads_outside_server().unwrap_or(0);
        }
        ensure!(
            now <= baseline,
            "{} thread(s) started by {what} were still alive {:.0} s after it returned: join \
             every worker before returning (a worker blocked forever on an empty queue, or \
             detached and left running, is a leak that keeps the process busy)",
            now - baseline,
            patience.as_secs_f64()
        );
        Ok(())
    };

    let max_in_flight = ctx.rng().random_range(2..=5);
    let (web, server) = serve(2, wide_web(12), Probes::default())?;
    let config = config(max_in_flight);
    run_crawl(&server, web.root_url(), &config, CRAWL_LIMIT)?;
    wait_for_threads("a crawl that ran to the end")?;

    let endless = endless_server()?;
    let config = deadline_config(Duration::from_millis(400));
    run_crawl(
        &endless,
        endless.url(0, "/"),
        &config,
        Duration::from_secs(10),
    )?;
    wait_for_threads("a crawl stopped by its deadline")
}
