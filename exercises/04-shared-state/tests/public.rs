//! Public tests of exercise 04-shared-state: `cargo test -p shared_state`.
//!
//! They run your code on plain threads, without the grader's random pauses:
//! a race that passes here can still fail the hidden stress checks.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use shared_state::{Bank, Counter, TransferError, count_together};

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
            panic!("{what} did not return within {secs} s: a deadlock?")
        }
    }
}

#[test]
fn count_together_counts_every_increment() {
    assert_eq!(
        within(20, "count_together", || count_together(4, 1000)),
        4000
    );
    assert_eq!(within(20, "count_together", || count_together(0, 10)), 0);
    assert_eq!(within(20, "count_together", || count_together(3, 0)), 0);
}

#[test]
fn counter_add_returns_the_new_total() {
    let counter = Counter::new();
    assert_eq!(counter.get(), 0);
    assert_eq!(counter.add(5), 5);
    assert_eq!(counter.add(2), 7);
    assert_eq!(counter.get(), 7);
}

#[test]
fn counter_shared_by_threads_counts_every_addition() {
    let counter = Counter::new();
    thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                for _ in 0..1000 {
                    counter.add(1);
                }
            });
        }
    });
    assert_eq!(counter.get(), 8000);
}

#[test]
fn transfer_moves_money() {
    let bank = Bank::new(&[100, 0, 5]);
    assert_eq!(bank.accounts(), 3);
    assert_eq!(bank.transfer(0, 1, 30), Ok(()));
    assert_eq!(bank.transfer(1, 2, 10), Ok(()));
    assert_eq!(bank.balance(0), Some(70));
    assert_eq!(bank.balance(1), Some(20));
    assert_eq!(bank.balance(2), Some(15));
    assert_eq!(bank.balance(3), None);
    assert_eq!(bank.total(), 105);
}

#[test]
fn failed_transfers_change_nothing() {
    let bank = Bank::new(&[10, 20]);
    assert_eq!(bank.transfer(5, 0, 1), Err(TransferError::NoSuchAccount(5)));
    assert_eq!(bank.transfer(0, 7, 1), Err(TransferError::NoSuchAccount(7)));
    assert_eq!(bank.transfer(1, 1, 1), Err(TransferError::SameAccount));
    assert_eq!(
        bank.transfer(0, 1, 11),
        Err(TransferError::InsufficientFunds {
            balance: 10,
            amount: 11
        })
    );
    assert_eq!(
        bank.transfer_approved(1, 0, 5, |_, _| false),
        Err(TransferError::Rejected)
    );
    assert_eq!((bank.balance(0), bank.balance(1)), (Some(10), Some(20)));
}

#[test]
fn approve_sees_both_balances() {
    let bank = Bank::new(&[10, 20]);
    let mut seen = None;
    let result = bank.transfer_approved(1, 0, 5, |from, to| {
        seen = Some((from, to));
        true
    });
    assert_eq!(result, Ok(()));
    assert_eq!(seen, Some((20, 10)));
    assert_eq!((bank.balance(0), bank.balance(1)), (Some(15), Some(15)));
}

#[test]
fn opposite_transfers_at_once_keep_the_money() {
    let total = within(30, "opposite transfers", || {
        let bank = Bank::new(&[1000, 1000]);
        thread::scope(|s| {
            s.spawn(|| {
                for _ in 0..2000 {
                    let _ = bank.transfer(0, 1, 1);
                }
            });
            s.spawn(|| {
                for _ in 0..2000 {
                    let _ = bank.transfer(1, 0, 1);
                }
            });
        });
        bank.total()
    });
    assert_eq!(total, 2000);
}
