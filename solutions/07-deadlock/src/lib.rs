//! Exercise 07: deadlock. Read README.md first.
//!
//! Reference solution.

use threadlings::sync::{Mutex, MutexGuard};

/// Task 1: philosopher number `philosopher` eats `meals` meals at a round
/// table with `forks.len()` forks (and as many philosophers). Philosopher `p`
/// needs forks `p` and `(p + 1) % n`, the one on each side.
///
/// For each meal `m` in `0..meals`:
/// - take both forks, **the lower-numbered one first** (README: one global
///   order breaks the cycle);
/// - add 1 to each fork's counter (the `u64` inside its mutex counts uses);
/// - call `eat(m)` while holding both;
/// - put both down before the next meal.
///
/// All philosophers dine at the same time, each on its own thread; nobody may
/// wait forever. Philosophers who share no fork must be able to eat at the
/// same time: hold nothing but your two forks.
///
/// # Panics
///
/// If there are fewer than 2 forks (one fork cannot be held twice).
///
/// ```ignore
/// let forks: Vec<_> = (0..5).map(|_| threadlings::sync::Mutex::new(0)).collect();
/// std::thread::scope(|s| {
///     for p in 0..5 {
///         let forks = &forks;
///         s.spawn(move || deadlock::dine(forks, p, 3, |meal| println!("{p} eats meal {meal}")));
///     }
/// });
/// // every fork was used 6 times: 3 meals by each neighbour
/// ```
pub fn dine<F>(forks: &[Mutex<u64>], philosopher: usize, meals: usize, eat: F)
where
    F: FnMut(usize),
{
    let mut eat = eat;
    let n = forks.len();
    assert!(n >= 2, "a table needs at least 2 forks");
    let (a, b) = (philosopher % n, (philosopher + 1) % n);
    let (first, second) = (a.min(b), a.max(b));
    for meal in 0..meals {
        let mut low = forks[first].lock().unwrap();
        let mut high = forks[second].lock().unwrap();
        *low += 1;
        *high += 1;
        eat(meal);
    }
}

/// Task 2: locks `a` and `b`, which have no numbers, without risking a
/// deadlock with a thread that locks the same two in the other order.
///
/// - Lock the one at the lower **address** first
///   (`std::ptr::from_ref(a).addr()` is a number that identifies it).
/// - Return the guards in *argument* order: `(guard of a, guard of b)`,
///   whichever was locked first.
///
/// # Panics
///
/// If `a` and `b` are the same mutex (`std::ptr::eq`): locking it twice
/// would never return.
pub fn lock_both<'a, T>(
    a: &'a Mutex<T>,
    b: &'a Mutex<T>,
) -> (MutexGuard<'a, T>, MutexGuard<'a, T>) {
    assert!(!std::ptr::eq(a, b), "lock_both needs two different mutexes");
    if std::ptr::from_ref(a).addr() < std::ptr::from_ref(b).addr() {
        let first = a.lock().unwrap();
        (first, b.lock().unwrap())
    } else {
        let second = b.lock().unwrap();
        (a.lock().unwrap(), second)
    }
}

/// Task 3: moves every item of `from` to the end of `to` (in order), holding
/// both locks at once (use [`lock_both`]), so no other thread ever sees the
/// items in neither or in both. Moving a box into itself changes nothing.
///
/// ```ignore
/// use threadlings::sync::Mutex;
/// let (a, b) = (Mutex::new(vec![1, 2]), Mutex::new(vec![3]));
/// deadlock::move_all(&a, &b);
/// assert_eq!((a.into_inner().unwrap(), b.into_inner().unwrap()), (vec![], vec![3, 1, 2]));
/// ```
pub fn move_all<T>(from: &Mutex<Vec<T>>, to: &Mutex<Vec<T>>) {
    if std::ptr::eq(from, to) {
        return;
    }
    let (mut from, mut to) = lock_both(from, to);
    to.append(&mut from);
}
