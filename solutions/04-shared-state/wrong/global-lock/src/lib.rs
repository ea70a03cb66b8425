//! Exercise 04: shared state. Read README.md first.
//!
//! Reference solution.

use threadlings::sync::{Arc, Mutex};
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

/// Task 3, WRONG: one lock for the whole bank, held across the (slow)
/// approval. Correct, but every transfer waits for every other one.
#[derive(Debug)]
pub struct Bank {
    accounts: Mutex<Vec<u64>>,
}

impl Bank {
    /// A bank whose account `i` starts with `balances[i]`.
    pub fn new(balances: &[u64]) -> Bank {
        Bank {
            accounts: Mutex::new(balances.to_vec()),
        }
    }

    /// The number of accounts.
    pub fn accounts(&self) -> usize {
        self.accounts.lock().unwrap().len()
    }

    /// What account `account` holds now.
    pub fn balance(&self, account: usize) -> Option<u64> {
        self.accounts.lock().unwrap().get(account).copied()
    }

    /// Moves `amount` from `from` to `to`.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
        self.transfer_approved(from, to, amount, |_, _| true)
    }

    /// Like `transfer`, after `approve`.
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
        let mut accounts = self.accounts.lock().unwrap();
        if from >= accounts.len() {
            return Err(TransferError::NoSuchAccount(from));
        }
        if to >= accounts.len() {
            return Err(TransferError::NoSuchAccount(to));
        }
        if from == to {
            return Err(TransferError::SameAccount);
        }
        if accounts[from] < amount {
            return Err(TransferError::InsufficientFunds {
                balance: accounts[from],
                amount,
            });
        }
        // WRONG (slow, not unsafe): the whole bank stays locked while the
        // approval runs.
        if !approve(accounts[from], accounts[to]) {
            return Err(TransferError::Rejected);
        }
        accounts[from] -= amount;
        accounts[to] += amount;
        Ok(())
    }

    /// The sum of all balances.
    pub fn total(&self) -> u64 {
        self.accounts.lock().unwrap().iter().sum()
    }
}
