//! Exercise 04: shared state. Read README.md first.
//!
//! Reference solution.

use threadlings::sync::{Arc, Mutex, MutexGuard};
use threadlings::thread;

/// Task 1: start `threads` threads; each adds 1 to one shared counter,
/// `per_thread` times. Wait for all of them and return the final count.
///
/// The counter is an `Arc<Mutex<u64>>`: every thread gets its own clone of
/// the `Arc`, and `*counter.lock().unwrap() += 1` adds under the lock.
/// All threads run at the same time (spawn them all, then join them all).
///
/// ```ignore
/// assert_eq!(shared_state::count_together(4, 1000), 4000);
/// ```
pub fn count_together(threads: usize, per_thread: u64) -> u64 {
    let counter = Arc::new(Mutex::new(0_u64));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..per_thread {
                    *counter.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    *counter.lock().unwrap()
}

/// Task 2: a counter that many threads share by reference (`&Counter`, or
/// an `Arc<Counter>`).
#[derive(Debug, Default)]
pub struct Counter {
    value: Mutex<u64>,
}

impl Counter {
    /// A counter at 0.
    pub fn new() -> Counter {
        Counter {
            value: Mutex::new(0),
        }
    }

    /// Adds `n` and returns the total right after this addition.
    ///
    /// When threads add at the same time, each addition counts exactly once
    /// and each call returns a different total. Read, add and write in *one*
    /// critical section (see README: "a lost update").
    ///
    /// ```ignore
    /// let c = shared_state::Counter::new();
    /// assert_eq!(c.add(5), 5);
    /// assert_eq!(c.add(2), 7);
    /// ```
    pub fn add(&self, n: u64) -> u64 {
        let mut value = self.value.lock().unwrap();
        *value += n;
        *value
    }

    /// The current total.
    pub fn get(&self) -> u64 {
        *self.value.lock().unwrap()
    }
}

/// Why a transfer did not happen. A failed transfer changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferError {
    /// There is no account with this number.
    NoSuchAccount(usize),
    /// `from` and `to` are the same account.
    SameAccount,
    /// `from` holds `balance`, less than `amount`.
    InsufficientFunds {
        /// What the account holds.
        balance: u64,
        /// What the transfer asked for.
        amount: u64,
    },
    /// The approval said no.
    Rejected,
}

/// Task 3: a bank with one lock per account, so that transfers between
/// different accounts can run at the same time.
#[derive(Debug)]
pub struct Bank {
    accounts: Vec<Mutex<u64>>,
}

impl Bank {
    /// A bank whose account `i` starts with `balances[i]`.
    pub fn new(balances: &[u64]) -> Bank {
        Bank {
            accounts: balances.iter().map(|&b| Mutex::new(b)).collect(),
        }
    }

    /// The number of accounts.
    pub fn accounts(&self) -> usize {
        self.accounts.len()
    }

    /// What account `account` holds now, or `None` if there is no such account.
    pub fn balance(&self, account: usize) -> Option<u64> {
        self.accounts.get(account).map(|a| *a.lock().unwrap())
    }

    /// Moves `amount` from account `from` to account `to`.
    ///
    /// - Errors, checked in this order: `NoSuchAccount(from)`,
    ///   `NoSuchAccount(to)`, `SameAccount`, `InsufficientFunds`. A failed
    ///   transfer changes nothing.
    /// - Lock both accounts, **lower account number first** whatever the
    ///   direction (README: "a deadlock from lock order"), then check the
    ///   balance and move the money while holding both locks.
    /// - Many transfers run at the same time, in any directions: no money may
    ///   appear or vanish, and no two transfers may wait for each other forever.
    ///
    /// ```ignore
    /// let bank = shared_state::Bank::new(&[100, 0]);
    /// bank.transfer(0, 1, 30).unwrap();
    /// assert_eq!((bank.balance(0), bank.balance(1)), (Some(70), Some(30)));
    /// ```
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
        self.transfer_approved(from, to, amount, |_, _| true)
    }

    /// Like [`Bank::transfer`], but once both accounts are locked and the
    /// balance suffices, asks `approve(from_balance, to_balance)` first; if it
    /// returns `false` the transfer fails with `Rejected` and changes nothing.
    ///
    /// `approve` may be slow. It runs while this transfer holds its two
    /// accounts, so it must not hold anything else: transfers between other
    /// accounts go on at the same time.
    pub fn transfer_approved<A>(
        &self,
        from: usize,
        to: usize,
        amount: u64,
        approve: A,
    ) -> Result<(), TransferError>
    where
        A: FnOnce(u64, u64) -> bool,
    {
        if from >= self.accounts.len() {
            return Err(TransferError::NoSuchAccount(from));
        }
        if to >= self.accounts.len() {
            return Err(TransferError::NoSuchAccount(to));
        }
        if from == to {
            return Err(TransferError::SameAccount);
        }
        // One global order, lower account first, whatever the direction.
        let (mut source, mut target);
        if from < to {
            source = self.accounts[from].lock().unwrap();
            target = self.accounts[to].lock().unwrap();
        } else {
            target = self.accounts[to].lock().unwrap();
            source = self.accounts[from].lock().unwrap();
        }
        if *source < amount {
            return Err(TransferError::InsufficientFunds {
                balance: *source,
                amount,
            });
        }
        if !approve(*source, *target) {
            return Err(TransferError::Rejected);
        }
        // WRONG: compute the new balances, let go of the locks, write later.
        let (new_source, new_target) = (*source - amount, *target + amount);
        drop(source);
        drop(target);
        *self.accounts[from].lock().unwrap() = new_source;
        *self.accounts[to].lock().unwrap() = new_target;
        Ok(())
    }

    /// The sum of all balances, as one consistent snapshot: hold every
    /// account's lock at the same time (taken in account order, the same
    /// global order as transfers) while adding up.
    pub fn total(&self) -> u64 {
        let guards: Vec<MutexGuard<'_, u64>> =
            self.accounts.iter().map(|a| a.lock().unwrap()).collect();
        guards.iter().map(|g| **g).sum()
    }
}
