//! The structural probes must be impossible to satisfy sequentially and
//! certain to be satisfied by truly concurrent parties.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use threadlings_kit::probe::{InFlight, Rendezvous};

#[test]
fn rendezvous_is_met_by_concurrent_parties() {
    let rendezvous = Arc::new(Rendezvous::new(4, Duration::from_secs(30)));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let r = rendezvous.clone();
            thread::spawn(move || r.arrive())
        })
        .collect();
    assert!(handles.into_iter().all(|h| h.join().unwrap()));
    assert!(rendezvous.met());
}

#[test]
fn rendezvous_is_never_met_by_sequential_parties() {
    let rendezvous = Rendezvous::new(3, Duration::from_millis(20));
    for _ in 0..3 {
        assert!(!rendezvous.arrive());
    }
    assert!(!rendezvous.met());
    assert_eq!(rendezvous.arrived(), 3);
}

#[test]
fn in_flight_records_the_peak() {
    let in_flight = InFlight::new();
    {
        let _a = in_flight.enter();
        let _b = in_flight.enter();
        assert_eq!(in_flight.current(), 2);
    }
    let _c = in_flight.enter();
    assert_eq!(in_flight.peak(), 2);
    assert_eq!(in_flight.finished(), 2);
}
