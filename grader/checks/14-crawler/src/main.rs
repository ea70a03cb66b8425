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
use threadlings_kit::{CheckResult, Ctx, Failure, Stop, ensure, ensure_eq, fail, t, within};
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
    Stop::Fail(Failure::new(t!(
        "the check could not {what}: {e} (a problem of the machine, not of your code)",
        "검사가 다음 작업을 하지 못했습니다: {what}: {e} (여러분의 코드가 아니라 기계의 문제입니다)"
    )))
}

/// Binds `hosts` listeners and serves `web` (built for their addresses).
fn serve(
    hosts: usize,
    build: impl FnOnce(Vec<String>) -> Web,
    probes: Probes,
) -> Result<(Arc<Web>, Server), Stop> {
    let bound = server::bind(hosts).map_err(|e| {
        io_fail(
            &t!("bind a port on 127.0.0.1", "127.0.0.1의 포트에 바인드하기"),
            e,
        )
    })?;
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
                let last_after = ms(last.saturating_duration_since(called));
                let idle_s = idle.as_secs_f64();
                let limit_s = limit.as_secs_f64();
                Err(Stop::Fail(
                    Failure::new(t!(
                        "{what} never returned. The crawl itself was over: the server answered \
                         {served} requests, the last one {} after the call, and then had \
                         nothing in flight for {:.1} s. Threads that wait for new URLs must \
                         also learn that the crawl is over: no URL waiting *and* no page being \
                         fetched (a page being fetched may still add links). Then wake every \
                         waiting thread so they all return, and join them.",
                        "{what}이(가) 반환하지 않았습니다. 크롤링 자체는 끝나 있었습니다: 서버는 \
                         요청 {served}개에 답했고, 마지막 요청은 호출하고 {} 뒤였으며, 그 뒤 \
                         {:.1}초 동안 진행 중인 요청이 하나도 없었습니다. 새 URL을 기다리는 \
                         스레드들도 크롤링이 끝났다는 것을 알아야 합니다: 기다리는 URL이 없고 \
                         *그리고* 가져오는 중인 페이지도 없을 때입니다(가져오는 중인 페이지가 \
                         아직 링크를 더할 수 있습니다). 그런 다음 기다리는 모든 스레드를 깨워 \
                         모두 반환하게 하고, 조인하세요.",
                        last_after,
                        idle_s
                    ))
                    .expected(t!(
                        "crawl returns within {:.0} s",
                        "crawl이 {:.0}초 안에 반환함",
                        limit_s
                    ))
                    .actual(t!("still waiting", "아직 기다리는 중")),
                ))
            } else {
                let message = failure.message;
                Err(Stop::Fail(Failure::new(t!(
                    "{} (the server still had {open} request(s) open)",
                    "{} (서버에는 아직 열린 요청이 {open}개 있었습니다)",
                    message
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
        let shown = shown.join(", ");
        t!("{shown} and {more} more", "{shown} 외 {more}개")
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
                .map_or_else(
                    || t!("linked from the start", "시작 URL에서 링크됨"),
                    |(from, _)| t!("linked from {from}", "{from}에서 링크됨"),
                )
        };
        let first = missing[0];
        let in_failed = missing
            .iter()
            .filter(|url| report.failed.contains_key(**url))
            .count();
        let (count, reachable, shown) = (missing.len(), expected.pages.len(), list(&missing));
        let linked = linked_from(first);
        let why = if in_failed > 0 {
            t!(
                "; {in_failed} of them are in `failed` although they can be fetched \
                 (a retryable error must be retried: 5xx, I/O errors)",
                "; 그중 {in_failed}개는 가져올 수 있는 페이지인데도 `failed`에 있습니다\
                 (재시도할 수 있는 오류는 다시 시도해야 합니다: 5xx, I/O 오류)"
            )
        } else {
            t!(
                ". Every link of every fetched page must be followed, on every host, until \
                 nothing is left",
                ". 가져온 모든 페이지의 모든 링크를, 모든 호스트에서, 남은 것이 없을 때까지 \
                 따라가야 합니다"
            )
        };
        fail!(t!(
            "{what}: {} of {} reachable pages are missing from `pages`: {}. For example {first} \
             ({}){}",
            "{what}: 도달할 수 있는 페이지 {1}개 중 {0}개가 `pages`에 없습니다: {2}. 예를 들어 \
             {first} ({3}){4}",
            count,
            reachable,
            shown,
            linked,
            why
        ));
    }
    let extra: Vec<&String> = report
        .pages
        .keys()
        .filter(|url| !expected.pages.contains_key(*url))
        .collect();
    if !extra.is_empty() {
        let (count, shown) = (extra.len(), list(&extra));
        fail!(t!(
            "{what}: `pages` has {} URL(s) that are not reachable pages of the web: {}",
            "{what}: `pages`에 이 웹에서 도달할 수 있는 페이지가 아닌 URL이 {}개 있습니다: {}",
            count,
            shown
        ));
    }
    for (url, links) in &expected.pages {
        ensure_eq!(
            report.pages[url],
            *links,
            t!(
                "{what}: the links of {url} are wrong (they must be `http::links(url, &body)` of \
                 its body: absolute, in page order, repeats included)",
                "{what}: {url}의 링크가 틀렸습니다(본문의 `http::links(url, &body)`여야 합니다: \
                 절대 URL, 페이지 순서대로, 중복 포함)"
            )
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
        t!(
            "{what}: `failed` must list exactly the pages that cannot be fetched, each with the \
             error of its last attempt",
            "{what}: `failed`에는 가져올 수 없는 페이지가 정확히 담겨야 하고, 페이지마다 마지막 \
             시도의 오류가 함께 있어야 합니다"
        )
    );
    ensure!(
        !report.cancelled,
        t!(
            "{what}: `cancelled` is true although there was no deadline",
            "{what}: 마감 시간이 없었는데도 `cancelled`가 true입니다"
        )
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
        format!("fetch_with_retry(\"{url}\", ..)"),
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
            Behaviour::FailFirst(_, web::Failure::Dropped) => t!(
                "closes the connection without a response",
                "응답 없이 연결을 닫음"
            ),
            _ => t!(
                "answers 503 Service Unavailable",
                "503 Service Unavailable로 응답함"
            ),
        };
        let max_retries = config.max_retries;
        match got {
            Ok(text) => ensure!(
                text == body,
                t!(
                    "fetch_with_retry(\"{url}\") returned a body that is not the page's",
                    "fetch_with_retry(\"{url}\")이(가) 그 페이지의 것이 아닌 본문을 돌려주었습니다"
                )
            ),
            Err(error) => fail!(t!(
                "fetch_with_retry(\"{url}\", max_retries = {max_retries}) gave up with {error:?}, \
                 but the page only {kind} the first {fails} time(s) and then works: a retryable \
                 error (FetchError::is_retryable) must be tried again, up to max_retries times",
                "fetch_with_retry(\"{url}\", max_retries = {max_retries})이(가) {error:?}(으)로 \
                 포기했지만, 이 페이지는 처음 {fails}번만 실패하고({kind}) 그 뒤로는 \
                 동작합니다: 재시도할 수 있는 오류(FetchError::is_retryable)는 최대 \
                 max_retries번까지 다시 시도해야 합니다"
            )),
        }
        let log = server.log();
        let attempts: Vec<&Served> = log.iter().filter(|s| s.path == path).collect();
        ensure_eq!(
            attempts.len(),
            fails as usize + 1,
            t!(
                "fetch_with_retry(\"{url}\") must request the page once per attempt: {fails} \
                 failed attempt(s), then the one that works, and no more",
                "fetch_with_retry(\"{url}\")은(는) 시도마다 페이지를 한 번씩 요청해야 합니다: \
                 실패한 시도 {fails}번, 그다음 성공하는 시도 한 번, 그리고 그 이상은 없어야 \
                 합니다"
            )
        );
        for i in 1..attempts.len() {
            let gap = attempts[i]
                .start
                .saturating_duration_since(attempts[i - 1].end);
            let backoff = config.backoff * (1 << (i - 1));
            let (attempt, gap_ms, backoff_ms, first_ms) =
                (i + 1, ms(gap), ms(backoff), ms(config.backoff));
            ensure!(
                gap >= backoff,
                t!(
                    "fetch_with_retry(\"{url}\"): attempt {attempt} started {gap_ms} after attempt \
                     {i} failed; the backoff asks for at least {backoff_ms} (backoff {first_ms} \
                     after the first failure, doubling after each further one, counted from when \
                     the failed attempt returned)",
                    "fetch_with_retry(\"{url}\"): {i}번째 시도가 실패하고 {gap_ms} 뒤에 \
                     {attempt}번째 시도가 시작되었습니다. 백오프에 따르면 적어도 {backoff_ms}만큼 \
                     기다려야 합니다(첫 실패 뒤에는 backoff {first_ms}, 그 뒤 실패할 때마다 두 \
                     배, 실패한 시도가 반환한 때부터 셈)"
                )
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
    let max_retries = config.max_retries;
    ensure_eq!(
        got,
        Err(FetchError::Status(503)),
        t!(
            "fetch_with_retry(\"{url}\") on a page that always answers 503 must give up after \
             max_retries = {max_retries} retries with the last error",
            "언제나 503으로 응답하는 페이지에서 fetch_with_retry(\"{url}\")은(는) max_retries = \
             {max_retries}번 재시도한 뒤 마지막 오류와 함께 포기해야 합니다"
        )
    );
    ensure_eq!(
        count("/down"),
        config.max_retries as usize + 1,
        t!(
            "requests for a page that always fails, with max_retries = {max_retries}: the first \
             attempt and max_retries retries",
            "언제나 실패하는 페이지에 대한 요청 수, max_retries = {max_retries}: 첫 시도와 \
             max_retries번의 재시도"
        )
    );

    let url = server.url(0, "/missing");
    let got = call_fetch(url.clone(), &config)?;
    ensure_eq!(
        got,
        Err(FetchError::Status(404)),
        t!(
            "fetch_with_retry(\"{url}\") on a missing page",
            "없는 페이지에 대한 fetch_with_retry(\"{url}\")"
        )
    );
    ensure_eq!(
        count("/missing"),
        1,
        t!(
            "requests for a page that answers 404: a 4xx status is final (not retryable), so it \
             is requested once",
            "404로 응답하는 페이지에 대한 요청 수: 4xx 상태는 최종 결과이므로(재시도할 수 \
             없음) 한 번만 요청합니다"
        )
    );

    let mut no_retry = config.clone();
    no_retry.max_retries = 0;
    let url = server.url(0, "/once");
    let got = call_fetch(url.clone(), &no_retry)?;
    ensure_eq!(
        got,
        Err(FetchError::Status(503)),
        t!(
            "fetch_with_retry(\"{url}\") with max_retries = 0 does not retry",
            "max_retries = 0인 fetch_with_retry(\"{url}\")은(는) 재시도하지 않습니다"
        )
    );
    ensure_eq!(
        count("/once"),
        1,
        t!(
            "requests with max_retries = 0",
            "max_retries = 0일 때의 요청 수"
        )
    );

    let got = call_fetch("ftp://127.0.0.1/file".to_string(), &config)?;
    ensure_eq!(
        got,
        Err(FetchError::BadUrl("ftp://127.0.0.1/file".to_string())),
        t!(
            "fetch_with_retry on a URL without an http:// host",
            "http:// 호스트가 없는 URL에 대한 fetch_with_retry"
        )
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
        &t!("a web of 3 hosts", "호스트 3개에 걸친 웹"),
    )?;
    let log = server.log();
    for host in 0..3 {
        let mut spans: Vec<&Served> = log.iter().filter(|s| s.host == host).collect();
        spans.sort_by_key(|s| s.start);
        for pair in spans.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let name = &web.hosts[host];
            ensure!(
                b.start >= a.end,
                t!(
                    "two requests to host {} were in flight at the same time ({} and {}): with \
                     politeness, a host gets one request at a time",
                    "호스트 {}에 대한 요청 두 개가 동시에 진행 중이었습니다({}와(과) {}): \
                     예의(politeness)가 있으면 호스트마다 한 번에 요청 하나만 받습니다",
                    name,
                    a.path,
                    b.path
                )
            );
            let gap = b.start - a.end;
            let (gap_ms, delay_ms) = (ms(gap), ms(delay));
            ensure!(
                gap >= delay,
                t!(
                    "a request to host {} ({}) started {} after the previous one to it ({}) ended; \
                     politeness = {} asks for at least that much between two requests to the same \
                     host (counted from the end of the previous request, when its Turn drops)",
                    "호스트 {0}에 대한 요청({1})이 같은 호스트에 대한 이전 요청({3})이 끝나고 \
                     {2} 뒤에 시작되었습니다. politeness = {4}이면 같은 호스트에 대한 두 요청 \
                     사이에 적어도 그만큼의 간격이 있어야 합니다(이전 요청이 끝난 때, 즉 그 \
                     Turn을 버린 때부터 셈)",
                    name,
                    b.path,
                    gap_ms,
                    a.path,
                    delay_ms
                )
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
        &t!(
            "the hand-made web of 2 hosts (relative, ../, #fragment, mailto: links, cycles, 404s)",
            "호스트 2개에 걸친 손으로 만든 웹(상대 링크, ../, #fragment, mailto: 링크, 순환, 404)"
        ),
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
        let pages = web.pages.len();
        compare(
            &report,
            &web.expected(config.max_retries),
            &t!(
                "random web {round} of 3 ({pages} pages on 2 hosts, max_in_flight = \
                 {max_in_flight})",
                "무작위 웹 {round}/3(호스트 2개에 페이지 {pages}개, max_in_flight = \
                 {max_in_flight})"
            ),
        )?;
        let per = requests_per_url(&server, &server.log());
        for (url, want) in web.expected_requests(config.max_retries) {
            let got = per.get(&url).map_or(0, Vec::len);
            ensure!(
                got as u32 == want,
                t!(
                    "random web {round}: {url} was requested {got} time(s), expected {want}",
                    "무작위 웹 {round}: {url}이(가) {got}번 요청되었습니다. 예상은 {want}번입니다"
                )
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
        let (pages, times) = (repeated.len(), list.len());
        let while_in_flight = if overlapping {
            t!(
                ", the second request while the first was still in flight",
                "(두 번째 요청은 첫 번째 요청이 아직 진행 중일 때 왔습니다)"
            )
        } else {
            String::new()
        };
        fail!(t!(
            "{pages} page(s) were fetched more than once: {url} {times} times{while_in_flight} \
             ({pages} page(s) in all). Two threads both decided the URL was new: checking the \
             visited set and marking the URL as taken must be one step under one lock \
             (HashSet::insert returns whether the value was new), done before the page is \
             fetched, not after",
            "페이지 {pages}개를 두 번 이상 가져왔습니다: {url}을(를) {times}번 \
             가져왔습니다{while_in_flight}. 두 번 이상 가져온 페이지는 모두 {pages}개입니다. \
             두 스레드가 모두 그 URL이 새것이라고 결정했습니다: 방문 집합을 확인하는 일과 그 \
             URL을 가져갔다고 표시하는 일은 하나의 락 아래 하나의 단계여야 하고\
             (HashSet::insert는 값이 새것이었는지를 돌려줍니다), 페이지를 가져온 뒤가 아니라 \
             가져오기 전에 해야 합니다"
        ));
    }
    compare(
        &report,
        &web.expected(config.max_retries),
        &t!(
            "a web whose pages are linked many times over",
            "페이지들이 여러 번 거듭 링크된 웹"
        ),
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
    let recorder = Recorder::new(t!(
        "requests seen by the server, max_in_flight = {k}",
        "서버가 본 요청, max_in_flight = {k}"
    ));
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
        &t!(
            "a web of one page linking to many",
            "한 페이지가 많은 페이지로 링크하는 웹"
        ),
    )?;
    let (peak, release) = (probe.peak(), probe.release());
    recorder.note(t!(
        "peak in flight {peak} (limit {k}), release: {release:?}",
        "동시에 진행 중인 요청 최대 {peak}개(한도 {k}), release: {release:?}"
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
        t!(
            "the server had {peak} requests in flight at once, but max_in_flight = {k}. The \
             start page links to {leaves} pages: a thread per page (or per link) is not a \
             bound. Start max_in_flight worker threads that take URLs from a shared frontier, \
             one request at a time each",
            "서버에서 요청 {peak}개가 동시에 진행 중이었지만 max_in_flight = {k}입니다. 시작 \
             페이지는 페이지 {leaves}개로 링크합니다: 페이지마다(또는 링크마다) 스레드 하나는 \
             제한이 아닙니다. 공유된 프런티어에서 URL을 가져가는 워커 스레드를 \
             max_in_flight개 시작하고, 각 워커는 한 번에 요청 하나씩만 하게 하세요"
        )
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
    let (peak, held_s) = (probe.peak(), PATIENCE.as_secs_f64());
    ensure!(
        probe.reached() && probe.release() != Release::GaveUp,
        t!(
            "with {leaves} pages waiting, at most {peak} request(s) were in flight at once while \
             the server held the first ones (for {held_s:.0} s), but max_in_flight = {k}: the \
             crawl must keep {k} requests going while there is work. Are the workers fetching \
             one after another, e.g. while holding the lock? Or are the workers waiting for \
             work not all woken when new links arrive (notify_one where every waiter may have \
             work)?",
            "페이지 {leaves}개가 기다리는데도, 서버가 첫 요청들을 붙잡아 두는 동안\
             ({held_s:.0}초) 동시에 진행 중인 요청은 최대 {peak}개였지만 max_in_flight = \
             {k}입니다: 일이 있는 동안 크롤링은 요청 {k}개를 계속 진행시켜야 합니다. 워커들이 \
             예를 들어 락을 쥔 채로 하나씩 차례로 가져오고 있지 않나요? 아니면 새 링크가 \
             도착할 때 일을 기다리던 워커들이 모두 깨어나지는 않나요(기다리는 모든 스레드에게 \
             일이 있을 수 있는데 notify_one을 쓰는 경우)?"
        )
    );
    Ok(())
}

fn crawl_time_near_critical_path(ctx: &mut Ctx) -> CheckResult {
    let k = 4;
    let each = Duration::from_millis(80);
    let (top, below) = (8, 3);
    let (leaves, each_ms) = (top * below, ms(each));
    let recorder = Recorder::new(t!(
        "crawl of 1 + {top} + {leaves} pages of {each_ms} each, max_in_flight = {k}",
        "각각 {each_ms}씩 걸리는 페이지 1 + {top} + {leaves}개의 크롤링, max_in_flight = {k}"
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
            t!(
                "pages found by the crawl (every run must find all of them)",
                "크롤링이 찾은 페이지 수(매 실행이 모두 찾아야 합니다)"
            )
        );
        Ok(took)
    })?;
    recorder.note(measurement.note());
    measurement.judge(t!(
        "crawling {pages} pages that each take {each_ms} to answer, with max_in_flight = {k},",
        "응답하는 데 각각 {each_ms}이(가) 걸리는 페이지 {pages}개를 max_in_flight = {k}로 \
         크롤링하기"
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
        &t!(
            "a web with pages that fail (503 twice, a dropped connection once, 503 always, a \
             404), max_retries = 2",
            "실패하는 페이지가 있는 웹(503 두 번, 끊긴 연결 한 번, 언제나 503, 404 하나), \
             max_retries = 2"
        ),
    )?;
    let per = requests_per_url(&server, &server.log());
    for (url, want) in web.expected_requests(config.max_retries) {
        let got = per.get(&url).map_or(0, Vec::len);
        ensure!(
            got as u32 == want,
            t!(
                "{url} was requested {got} time(s), expected {want}: a page that fails with a \
                 retryable error is tried 1 + max_retries times at most and no more once it \
                 worked; a 404 is final",
                "{url}이(가) {got}번 요청되었습니다. 예상은 {want}번입니다: 재시도할 수 있는 \
                 오류로 실패하는 페이지는 최대 1 + max_retries번 시도하고, 한 번 성공한 뒤로는 \
                 더 시도하지 않습니다. 404는 최종 결과입니다"
            )
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
    let bound = server::bind(1).map_err(|e| {
        io_fail(
            &t!("bind a port on 127.0.0.1", "127.0.0.1의 포트에 바인드하기"),
            e,
        )
    })?;
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
    let deadline_ms = ms(deadline);
    let what = t!(
        "crawl of an endless web with deadline {deadline_ms}",
        "마감 시간이 {deadline_ms}인 끝없는 웹의 크롤링"
    );
    let cfg = config.clone();
    let outcome = within(limit, &what, move || timed(|| crawler::crawl(&start, &cfg)));
    let (limit_s, timeout_s) = (limit.as_secs_f64(), config.timeout.as_secs_f64());
    let (report, took) = match outcome {
        Ok(done) => done,
        Err(Stop::Fail(_)) => fail!(t!(
            "{what} had not returned {limit_s:.1} s after it was called. The web never ends and \
             some pages never answer: the crawl must stop taking URLs at the deadline, and a \
             request in flight must be cut there (its timeout is the time left until the \
             deadline, not config.timeout = {timeout_s:.0} s)",
            "{what}이(가) 호출되고 {limit_s:.1}초가 지나도록 반환하지 않았습니다. 이 웹은 끝이 \
             없고 어떤 페이지는 영영 답하지 않습니다: 크롤링은 마감 시간에 URL 가져가기를 \
             멈춰야 하고, 진행 중인 요청은 거기서 끊겨야 합니다(그 타임아웃은 config.timeout = \
             {timeout_s:.0}초가 아니라 마감 시간까지 남은 시간입니다)"
        )),
        Err(other) => return Err(other),
    };
    let (took_ms, slack_ms) = (ms(took), ms(DEADLINE_SLACK));
    ensure!(
        took <= deadline + DEADLINE_SLACK,
        t!(
            "{what} returned {took_ms} after it was called, more than {slack_ms} after the \
             deadline. Requests in flight must be cut at the deadline (timeout = time left), and \
             threads waiting for work or for a host must stop waiting there",
            "{what}이(가) 호출되고 {took_ms} 뒤에 반환했습니다: 마감 시간이 지나고도 \
             {slack_ms}보다 더 지난 뒤입니다. 진행 중인 요청은 마감 시간에 끊겨야 하고\
             (timeout = 남은 시간), 일이나 호스트를 기다리는 스레드는 거기서 기다리기를 \
             멈춰야 합니다"
        )
    );
    ensure!(
        report.cancelled,
        t!(
            "{what}: the deadline stopped the crawl with pages left, so `cancelled` must be true",
            "{what}: 페이지가 남은 채로 마감 시간이 크롤링을 멈췄으므로 `cancelled`는 true여야 \
             합니다"
        )
    );
    ensure!(
        !report.pages.is_empty(),
        t!(
            "{what}: no page in the report; the pages fetched before the deadline belong in \
             `pages`",
            "{what}: 보고서에 페이지가 하나도 없습니다. 마감 시간 전에 가져온 페이지는 `pages`에 \
             들어가야 합니다"
        )
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
            t!(
                "{what}: `pages` lists {url}, which the server never served",
                "{what}: `pages`에 {url}이(가) 있지만, 서버는 그 페이지를 한 번도 보내지 \
                 않았습니다"
            )
        );
        let Reply::Page(body) = endless.answer(0, path, 1).reply else {
            fail!(t!(
                "{what}: `pages` lists {url}, which never answers",
                "{what}: `pages`에 {url}이(가) 있지만, 그 페이지는 결코 답하지 않습니다"
            ));
        };
        let want = crawler::http::links(url, &body);
        ensure_eq!(
            *links,
            want,
            t!("{what}: the links of {url}", "{what}: {url}의 링크")
        );
    }
    for (url, error) in &report.failed {
        ensure!(
            *error != FetchError::Timeout && *error != FetchError::Cancelled,
            t!(
                "{what}: {url} is in `failed` with {error:?}, but it was cut by the deadline: \
                 pages left because of the deadline appear nowhere (only `cancelled` says so)",
                "{what}: {url}이(가) {error:?}와(과) 함께 `failed`에 있지만, 그 요청은 마감 \
                 시간에 끊긴 것입니다: 마감 시간 때문에 남은 페이지는 어디에도 나오지 않습니다\
                 (`cancelled`만이 그것을 알립니다)"
            )
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
        &t!("a chain of 3 pages", "페이지 3개로 된 사슬"),
    )
}

fn no_thread_left_running(ctx: &mut Ctx) -> CheckResult {
    let baseline = server::threads_outside_server().ok_or_else(|| {
        Stop::Skip(t!(
            "cannot read /proc/self/task on this machine",
            "이 기계에서는 /proc/self/task를 읽을 수 없습니다"
        ))
    })?;
    let patience = Duration::from_secs(2);
    let wait_for_threads = |what: &str| -> CheckResult {
        let started = Instant::now();
        let mut now = server::threads_outside_server().unwrap_or(0);
        while now > baseline && started.elapsed() < patience {
            std::thread::sleep(Duration::from_millis(5));
            now = server::threads_outside_server().unwrap_or(0);
        }
        let (alive, patience_s) = (now.saturating_sub(baseline), patience.as_secs_f64());
        ensure!(
            now <= baseline,
            t!(
                "{alive} thread(s) started by {what} were still alive {patience_s:.0} s after it \
                 returned: join every worker before returning (a worker blocked forever on an \
                 empty queue, or detached and left running, is a leak that keeps the process \
                 busy)",
                "{what}이(가) 시작한 스레드 {alive}개가 반환하고 {patience_s:.0}초 뒤에도 살아 \
                 있었습니다: 반환하기 전에 모든 워커를 조인하세요(빈 큐에서 영원히 막힌 워커나, \
                 분리된 채 실행 중으로 남은 워커는 프로세스를 계속 바쁘게 하는 누수입니다)"
            )
        );
        Ok(())
    };

    let max_in_flight = ctx.rng().random_range(2..=5);
    let (web, server) = serve(2, wide_web(12), Probes::default())?;
    let config = config(max_in_flight);
    run_crawl(&server, web.root_url(), &config, CRAWL_LIMIT)?;
    wait_for_threads(&t!("a crawl that ran to the end", "끝까지 실행된 크롤링"))?;

    let endless = endless_server()?;
    let config = deadline_config(Duration::from_millis(400));
    run_crawl(
        &endless,
        endless.url(0, "/"),
        &config,
        Duration::from_secs(10),
    )?;
    wait_for_threads(&t!(
        "a crawl stopped by its deadline",
        "마감 시간에 멈춘 크롤링"
    ))
}
