//! Task 3: `crawl` finds every page once, with at most K requests in flight.

mod common;

use std::time::{Duration, Instant};

use common::{Page, TestServer, page};
use crawler::{CrawlConfig, FetchError};

fn config(max_in_flight: usize) -> CrawlConfig {
    CrawlConfig {
        max_in_flight,
        backoff: Duration::from_millis(10),
        ..CrawlConfig::default()
    }
}

#[test]
fn finds_every_reachable_page_and_its_links() {
    let server = TestServer::start(vec![
        ("/", page(&["/a", "b", "/missing", "/a"])),
        ("/a", page(&["/", "/c"])),
        ("/b", page(&[])),
        ("/c", page(&["#top"])),
        ("/unlinked", page(&[])),
    ]);
    let report = crawler::crawl(&server.url("/"), &config(3));
    let urls: Vec<&String> = report.pages.keys().collect();
    assert_eq!(
        urls,
        vec![
            &server.url("/"),
            &server.url("/a"),
            &server.url("/b"),
            &server.url("/c")
        ]
    );
    assert_eq!(
        report.pages[&server.url("/")],
        vec![
            server.url("/a"),
            server.url("/b"),
            server.url("/missing"),
            server.url("/a")
        ],
        "the links of a page, as http::links returns them"
    );
    assert_eq!(
        report.failed.get(&server.url("/missing")),
        Some(&FetchError::Status(404))
    );
    assert!(!report.cancelled);
}

#[test]
fn every_page_is_fetched_once() {
    // Every page links to every other page, twice.
    let paths = ["/", "/1", "/2", "/3", "/4", "/5", "/6", "/7"];
    let pages = paths
        .iter()
        .map(|p| {
            let links: Vec<&str> = paths.iter().flat_map(|l| [*l, *l]).collect();
            (
                *p,
                Page {
                    latency: Duration::from_millis(30),
                    ..page(&links)
                },
            )
        })
        .collect();
    let server = TestServer::start(pages);
    let report = crawler::crawl(&server.url("/"), &config(4));
    assert_eq!(report.pages.len(), paths.len());
    for path in paths {
        assert_eq!(
            server.requests(path),
            1,
            "{path} was requested more than once"
        );
    }
}

#[test]
fn at_most_max_in_flight_requests_and_really_that_many() {
    let leaves: Vec<String> = (0..12).map(|i| format!("/leaf/{i}")).collect();
    let leaf_refs: Vec<&str> = leaves.iter().map(String::as_str).collect();
    let mut pages = vec![("/", page(&leaf_refs))];
    for leaf in &leaf_refs {
        pages.push((
            *leaf,
            Page {
                latency: Duration::from_millis(200),
                ..page(&[])
            },
        ));
    }
    let server = TestServer::start(pages);
    let started = Instant::now();
    let report = crawler::crawl(&server.url("/"), &config(3));
    let took = started.elapsed();
    assert_eq!(report.pages.len(), 13);
    assert!(
        server.peak_in_flight() <= 3,
        "{} requests in flight at once",
        server.peak_in_flight()
    );
    assert_eq!(
        server.peak_in_flight(),
        3,
        "never 3 requests in flight at once"
    );
    assert!(
        took < Duration::from_millis(2000),
        "12 pages of 200 ms with 3 in flight took {took:?} (about 0.8 s expected; one at a time takes 2.4 s)"
    );
}

#[test]
fn a_page_that_fails_once_is_retried() {
    let server = TestServer::start(vec![
        ("/", page(&["/flaky"])),
        (
            "/flaky",
            Page {
                failures: 1,
                ..page(&["/behind"])
            },
        ),
        ("/behind", page(&[])),
    ]);
    let report = crawler::crawl(&server.url("/"), &config(2));
    assert!(
        report.pages.contains_key(&server.url("/behind")),
        "{report:?}"
    );
    assert!(report.failed.is_empty());
}

#[test]
fn stops_at_the_deadline() {
    // An endless chain: /n/0 -> /n/1 -> ... each taking 50 ms.
    let pages: Vec<(String, Page)> = (0..200)
        .map(|i| {
            (
                format!("/n/{i}"),
                Page {
                    latency: Duration::from_millis(50),
                    ..page(&[format!("/n/{}", i + 1).as_str()])
                },
            )
        })
        .collect();
    let server = TestServer::start(
        pages
            .iter()
            .map(|(p, page)| (p.as_str(), page.clone()))
            .collect(),
    );
    let config = CrawlConfig {
        deadline: Some(Duration::from_millis(300)),
        ..config(2)
    };
    let started = Instant::now();
    let report = crawler::crawl(&server.url("/n/0"), &config);
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "returned after {:?}",
        started.elapsed()
    );
    assert!(report.cancelled);
    assert!(!report.pages.is_empty());
}
