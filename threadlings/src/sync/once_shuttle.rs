//! The once-types under `--cfg shuttle`: shuttle's `Once`, and `OnceLock` and
//! `LazyLock` built on it (shuttle has neither).
//!
//! std's own would block the one OS thread that runs every shuttle thread
//! when two of them race to initialize (the loser waits for a winner that can
//! never run again). Here the race goes through shuttle's `Once`, which the
//! scheduler sees. Whether a cell holds its value is kept beside it, so a
//! `static` cell keeps its value from one execution to the next, as it would
//! in a real process (shuttle's `Once` starts afresh each execution, and then
//! finds the value already there).

use std::cell::UnsafeCell;
use std::fmt;
use std::mem::MaybeUninit;
use std::ops::Deref;
use std::sync::atomic::{AtomicBool as StdAtomicBool, Ordering};

pub use shuttle::sync::{Once, OnceState};

/// A cell written once: `std::sync::OnceLock`'s API.
pub struct OnceLock<T> {
    once: Once,
    /// Whether `value` is initialized (the truth, also outside executions).
    ready: StdAtomicBool,
    /// Reading the cell is a scheduling point, as std's acquire load is a
    /// synchronization point.
    point: shuttle::sync::atomic::AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: as std's: the value is written once, by one thread (under the
// `Once`), before `ready` says it is there; afterwards it is only shared.
unsafe impl<T: Send + Sync> Sync for OnceLock<T> {}
// SAFETY: sending the cell sends the value.
unsafe impl<T: Send> Send for OnceLock<T> {}

impl<T> OnceLock<T> {
    /// An empty cell.
    #[must_use]
    pub const fn new() -> OnceLock<T> {
        OnceLock {
            once: Once::new(),
            ready: StdAtomicBool::new(false),
            point: shuttle::sync::atomic::AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    /// The value, if the cell has one.
    pub fn get(&self) -> Option<&T> {
        self.point.load(Ordering::SeqCst);
        if self.ready.load(Ordering::Acquire) {
            // SAFETY: initialized (see `ready`) and never written again.
            Some(unsafe { (*self.value.get()).assume_init_ref() })
        } else {
            None
        }
    }

    /// The value, mutably, if the cell has one.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        if *self.ready.get_mut() {
            // SAFETY: initialized, and `&mut self` is exclusive.
            Some(unsafe { self.value.get_mut().assume_init_mut() })
        } else {
            None
        }
    }

    /// Stores `value` unless the cell has one; `Err(value)` if it had.
    pub fn set(&self, value: T) -> Result<(), T> {
        let mut value = Some(value);
        self.get_or_init(|| value.take().expect("the initializer runs once"));
        match value {
            None => Ok(()),
            Some(value) => Err(value),
        }
    }

    /// The value, initializing it with `f` if the cell is empty. Racing
    /// threads wait for the one that initializes it.
    pub fn get_or_init<F: FnOnce() -> T>(&self, f: F) -> &T {
        if let Some(value) = self.get() {
            return value;
        }
        let mut f = Some(f);
        self.once.call_once(|| {
            if !self.ready.load(Ordering::Acquire) {
                let f = f.take().expect("the initializer runs once");
                // SAFETY: not initialized, and the `Once` lets only this
                // thread in.
                unsafe { (*self.value.get()).write(f()) };
                self.ready.store(true, Ordering::Release);
            }
        });
        self.get().expect("a completed Once leaves the cell full")
    }

    /// The value, if the cell has one, consuming the cell.
    pub fn into_inner(mut self) -> Option<T> {
        self.take()
    }

    /// Takes the value out, leaving the cell empty.
    pub fn take(&mut self) -> Option<T> {
        if std::mem::replace(self.ready.get_mut(), false) {
            self.once = Once::new();
            // SAFETY: it was initialized, and is now marked empty.
            Some(unsafe { self.value.get_mut().assume_init_read() })
        } else {
            None
        }
    }
}

impl<T> Drop for OnceLock<T> {
    fn drop(&mut self) {
        if *self.ready.get_mut() {
            // SAFETY: initialized, and dropped once, here.
            unsafe { self.value.get_mut().assume_init_drop() };
        }
    }
}

impl<T> Default for OnceLock<T> {
    fn default() -> OnceLock<T> {
        OnceLock::new()
    }
}

impl<T> From<T> for OnceLock<T> {
    fn from(value: T) -> OnceLock<T> {
        let cell = OnceLock::new();
        cell.ready.store(true, Ordering::Release);
        // SAFETY: nobody else can see the new cell yet.
        unsafe { (*cell.value.get()).write(value) };
        cell
    }
}

impl<T: fmt::Debug> fmt::Debug for OnceLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_tuple("OnceLock");
        if self.ready.load(Ordering::Acquire) {
            // SAFETY: initialized and never written again.
            d.field(unsafe { (*self.value.get()).assume_init_ref() });
        } else {
            d.field(&format_args!("<uninit>"));
        }
        d.finish()
    }
}

/// A value initialized on first use: `std::sync::LazyLock`'s API.
pub struct LazyLock<T, F = fn() -> T> {
    cell: OnceLock<T>,
    init: UnsafeCell<Option<F>>,
}

// SAFETY: `init` is taken once, by the thread the cell's `Once` lets in.
unsafe impl<T: Send + Sync, F: Send> Sync for LazyLock<T, F> {}

impl<T, F: FnOnce() -> T> LazyLock<T, F> {
    /// A lazy value that `f` computes on first use.
    pub const fn new(f: F) -> LazyLock<T, F> {
        LazyLock {
            cell: OnceLock::new(),
            init: UnsafeCell::new(Some(f)),
        }
    }

    /// Computes the value if needed, and returns it.
    pub fn force(this: &LazyLock<T, F>) -> &T {
        this.cell.get_or_init(|| {
            // SAFETY: only the one initializing thread gets here.
            let f = unsafe { (*this.init.get()).take() };
            f.expect("LazyLock instance has previously been poisoned")()
        })
    }
}

impl<T, F: FnOnce() -> T> Deref for LazyLock<T, F> {
    type Target = T;

    fn deref(&self) -> &T {
        LazyLock::force(self)
    }
}

impl<T: Default> Default for LazyLock<T> {
    fn default() -> LazyLock<T> {
        LazyLock::new(T::default)
    }
}

impl<T: fmt::Debug, F> fmt::Debug for LazyLock<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_tuple("LazyLock");
        if self.cell.ready.load(Ordering::Acquire) {
            // SAFETY: initialized and never written again.
            d.field(unsafe { (*self.cell.value.get()).assume_init_ref() });
        } else {
            d.field(&format_args!("<uninit>"));
        }
        d.finish()
    }
}
