//! Public tests of exercise 16-build-a-channel: `cargo test -p build-a-channel`.
//!
//! They run your code on plain threads, without the grader's random pauses:
//! a wake-up race or an ordering mistake that passes here can still fail the
//! hidden stress, exploration and linearizability checks.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use build_a_channel::{Channel, SendError, TryRecvError};

/// Runs `f`, failing the test (instead of hanging) if it takes longer than `secs`.
fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let worker = thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sends before it ends"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not return within {secs} s: a deadlock or a lost wake-up?")
        }
    }
}

#[test]
fn values_come_out_in_the_order_they_went_in() {
    let channel = Channel::new(3);
    assert_eq!(channel.capacity(), 3);
    assert!(channel.is_empty());
    channel.send("a").unwrap();
    channel.send("b").unwrap();
    assert_eq!(channel.len(), 2);
    assert_eq!(channel.recv(), Some("a"));
    channel.send("c").unwrap();
    assert_eq!(channel.recv(), Some("b"));
    assert_eq!(channel.recv(), Some("c"));
    assert_eq!(channel.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn recv_waits_for_a_value_and_send_waits_for_room() {
    within(10, "a receiver waiting for a sender", || {
        let channel = Channel::new(1);
        thread::scope(|s| {
            s.spawn(|| {
                for i in 0..5 {
                    channel.send(i).unwrap();
                }
            });
            let got: Vec<i32> = (0..5).map(|_| channel.recv().unwrap()).collect();
            assert_eq!(got, vec![0, 1, 2, 3, 4]);
        });
    });
}

#[test]
fn close_keeps_queued_values_and_refuses_new_ones() {
    let channel = Channel::new(2);
    channel.send(1).unwrap();
    assert!(channel.close(), "the first close closes");
    assert!(
        !channel.close(),
        "a second close reports it was closed already"
    );
    assert!(channel.is_closed());
    assert_eq!(channel.send(2), Err(SendError(2)));
    assert_eq!(
        channel.recv(),
        Some(1),
        "sent before close: still delivered"
    );
    assert_eq!(channel.recv(), None);
    assert_eq!(channel.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn close_wakes_a_waiting_receiver() {
    within(
        10,
        "a receiver waiting on an empty channel that gets closed",
        || {
            let channel = Channel::<u8>::new(1);
            thread::scope(|s| {
                let receiver = s.spawn(|| channel.recv());
                thread::sleep(Duration::from_millis(50));
                channel.close();
                assert_eq!(receiver.join().unwrap(), None);
            });
        },
    );
}
