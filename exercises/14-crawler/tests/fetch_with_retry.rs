//! Task 2: `fetch_with_retry` retries what may work later, and only that.

mod common;

use std::time::Duration;

use common::{Page, TestServer, page};
use crawler::{CrawlConfig, FetchError, Politeness};

fn config(max_retries: u32) -> CrawlConfig {
    CrawlConfig {
        max_retries,
        backoff: Duration::from_millis(10),
        ..CrawlConfig::default()
    }
}

#[test]
fn a_page_that_fails_twice_is_fetched_on_the_third_attempt() {
    let server = TestServer::start(vec![(
        "/flaky",
        Page {
            failures: 2,
            ..page(&[])
        },
    )]);
    let body = crawler::fetch_with_retry(
        &server.url("/flaky"),
        &config(2),
        &Politeness::new(None),
        None,
    )
    .expect("the third attempt works");
    assert!(body.contains("<html>"));
    assert_eq!(server.requests("/flaky"), 3);
}

#[test]
fn retries_stop_after_max_retries() {
    let server = TestServer::start(vec![(
        "/down",
        Page {
            failures: u32::MAX,
            ..page(&[])
        },
    )]);
    let got = crawler::fetch_with_retry(
        &server.url("/down"),
        &config(3),
        &Politeness::new(None),
        None,
    );
    assert_eq!(got, Err(FetchError::Status(503)));
    assert_eq!(server.requests("/down"), 4, "one attempt and 3 retries");
}

#[test]
fn a_404_is_not_retried() {
    let server = TestServer::start(vec![]);
    let got = crawler::fetch_with_retry(
        &server.url("/nothing"),
        &config(3),
        &Politeness::new(None),
        None,
    );
    assert_eq!(got, Err(FetchError::Status(404)));
    assert_eq!(server.requests("/nothing"), 1);
}
