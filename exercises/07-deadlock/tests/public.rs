//! Public tests of exercise 07-deadlock: `cargo test -p deadlock`.
//!
//! They run your code on plain threads, without the grader's random pauses:
//! a deadlock that is rare here still fails the hidden stress checks.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use deadlock::{dine, lock_both, move_all};
use threadlings::sync::Mutex;

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

fn forks(n: usize) -> Vec<Mutex<u64>> {
    (0..n).map(|_| Mutex::new(0)).collect()
}

fn uses(forks: Vec<Mutex<u64>>) -> Vec<u64> {
    forks.into_iter().map(|f| f.into_inner().unwrap()).collect()
}

#[test]
fn one_philosopher_uses_the_forks_on_each_side() {
    let table = forks(3);
    let mut meals = Vec::new();
    dine(&table, 2, 4, |meal| meals.push(meal));
    assert_eq!(meals, vec![0, 1, 2, 3]);
    assert_eq!(uses(table), vec![4, 0, 4]);
}

#[test]
fn five_philosophers_dine_together() {
    let used = within(30, "5 philosophers × 200 meals", || {
        let table = forks(5);
        thread::scope(|s| {
            for p in 0..5 {
                let table = &table;
                s.spawn(move || dine(table, p, 200, |_| {}));
            }
        });
        uses(table)
    });
    assert_eq!(used, vec![400; 5]);
}

#[test]
fn lock_both_returns_guards_in_argument_order() {
    let (a, b) = (Mutex::new("a"), Mutex::new("b"));
    {
        let (x, y) = lock_both(&a, &b);
        assert_eq!((*x, *y), ("a", "b"));
    }
    let (y, x) = lock_both(&b, &a);
    assert_eq!((*y, *x), ("b", "a"));
}

#[test]
fn move_all_moves_everything_in_order() {
    let (a, b) = (Mutex::new(vec![1, 2]), Mutex::new(vec![3]));
    move_all(&a, &b);
    move_all(&b, &b);
    assert_eq!(a.into_inner().unwrap(), Vec::<i32>::new());
    assert_eq!(b.into_inner().unwrap(), vec![3, 1, 2]);
}

#[test]
fn opposite_moves_at_once_finish() {
    let total = within(30, "opposite move_all calls", || {
        let (a, b) = (Mutex::new(vec![1; 10]), Mutex::new(vec![2; 10]));
        thread::scope(|s| {
            s.spawn(|| (0..2000).for_each(|_| move_all(&a, &b)));
            s.spawn(|| (0..2000).for_each(|_| move_all(&b, &a)));
        });
        a.into_inner().unwrap().len() + b.into_inner().unwrap().len()
    });
    assert_eq!(total, 20);
}
