//! Task 1: `Politeness` spaces out requests to the same host.

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crawler::Politeness;

#[test]
fn without_a_delay_turns_never_wait() {
    let politeness = Politeness::new(None);
    let first = politeness.turn("h:1", None).expect("a turn");
    let started = Instant::now();
    let second = politeness.turn("h:1", None).expect("a turn");
    assert!(started.elapsed() < Duration::from_millis(50));
    drop((first, second));
}

#[test]
fn the_next_turn_waits_for_the_delay() {
    let delay = Duration::from_millis(100);
    let politeness = Politeness::new(Some(delay));
    drop(politeness.turn("h:1", None).expect("a turn"));
    let ended = Instant::now();
    let _again = politeness.turn("h:1", None).expect("a turn");
    assert!(
        ended.elapsed() >= delay,
        "the second turn for a host came {:?} after the first ended; the delay is {delay:?}",
        ended.elapsed()
    );
}

#[test]
fn other_hosts_do_not_wait() {
    let politeness = Politeness::new(Some(Duration::from_secs(2)));
    let _a = politeness.turn("a:1", None).expect("a turn");
    let started = Instant::now();
    let _b = politeness.turn("b:1", None).expect("a turn");
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "host b waited for host a"
    );
}

#[test]
fn one_turn_at_a_time_per_host() {
    let politeness = Arc::new(Politeness::new(Some(Duration::from_millis(10))));
    let spans = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (politeness, spans) = (politeness.clone(), spans.clone());
            thread::spawn(move || {
                let turn = politeness.turn("h:1", None).expect("a turn");
                let start = Instant::now();
                thread::sleep(Duration::from_millis(20));
                let end = Instant::now();
                drop(turn);
                spans.lock().unwrap().push((start, end));
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut spans = spans.lock().unwrap().clone();
    spans.sort();
    for pair in spans.windows(2) {
        assert!(pair[1].0 >= pair[0].1, "two turns for one host overlapped");
    }
}

#[test]
fn waiting_stops_at_the_deadline() {
    let politeness = Politeness::new(Some(Duration::from_secs(10)));
    drop(politeness.turn("h:1", None).expect("a turn"));
    let started = Instant::now();
    let turn = politeness.turn("h:1", Some(Instant::now() + Duration::from_millis(100)));
    assert!(turn.is_none(), "the host is not free before the deadline");
    assert!(started.elapsed() < Duration::from_secs(2));
}
