//! `std::sync::atomic` with the same names and signatures.
//!
//! In every build the facade's atomics are a thin wrapper over the build's
//! own atomics, so that each operation is a synchronization point the
//! facade sees: perturbed under stress, and recorded with the values it read
//! and wrote while a race check records the interleaving
//! ([`crate::instrument::trace`]). Normal build: std's atomics. Under `--cfg
//! loom`: loom's, which model the weak memory orderings (a `Relaxed` load may
//! see an old value), so a missing `Acquire`/`Release` is found. Under `--cfg
//! shuttle`: shuttle's, every operation a scheduling point, all of them
//! sequentially consistent (shuttle cannot find ordering bugs). The API is
//! std's where the checker has it: loom's atomics have no `get_mut` and no
//! `const` constructor, neither checker has `as_ptr`, loom's `AtomicBool` has
//! no `fetch_not`; and the spurious weak compare-exchange failures of the
//! stress runs stay in the normal build (they would change shuttle's
//! schedules and double loom's state space).

pub use std::sync::atomic::{Ordering, compiler_fence};

pub use self::wrapped::*;

mod wrapped {
    use std::fmt;

    #[cfg(loom)]
    use loom::sync::atomic as imp;
    #[cfg(shuttle)]
    use shuttle::sync::atomic as imp;
    #[cfg(not(any(loom, shuttle)))]
    use std::sync::atomic as imp;

    use super::Ordering;
    use crate::instrument::trace::{Op, Show};
    use crate::rt;

    /// Records `v` (what an operation on `atomic` returned) in the trace
    /// as `op(v)`, while recording; returns `v`.
    #[inline(always)]
    fn note<A, V: Copy>(atomic: &A, v: V, op: impl FnOnce(V) -> Op) -> V {
        if rt::recording() {
            rt::record_atomic(
                op(v),
                atomic as *const A as usize,
                std::any::type_name::<A>(),
            );
        }
        v
    }

    /// The step of a compare-exchange that wanted to write `new`.
    fn cas<V: Show>(name: &'static str, new: V) -> impl FnOnce(Result<V, V>) -> Op {
        move |result| match result {
            Ok(old) => Op::Rmw {
                name,
                read: old.show(),
                wrote: new.show(),
            },
            Err(old) => Op::CasFailed {
                name,
                read: old.show(),
            },
        }
    }

    /// A memory fence (a synchronization point).
    #[inline]
    pub fn fence(order: Ordering) {
        rt::point();
        crate::instrument::note_ordering(order);
        imp::fence(order);
    }

    macro_rules! atomic_int {
        ($name:ident, $int:ty) => {
            #[doc = concat!("`std::sync::atomic::", stringify!($name), "` with the same API.")]
            #[repr(transparent)]
            #[derive(Default)]
            pub struct $name {
                inner: imp::$name,
            }

            impl $name {
                /// Creates a new atomic integer.
                #[inline]
                #[cfg(not(loom))]
                pub const fn new(v: $int) -> Self {
                    $name {
                        inner: imp::$name::new(v),
                    }
                }

                /// Creates a new atomic integer.
                #[inline]
                #[cfg(loom)]
                pub fn new(v: $int) -> Self {
                    $name {
                        inner: imp::$name::new(v),
                    }
                }

                /// A mutable reference to the value (no synchronization needed).
                #[inline]
                #[cfg(not(loom))]
                pub fn get_mut(&mut self) -> &mut $int {
                    self.inner.get_mut()
                }

                /// Consumes the atomic and returns the value.
                #[inline]
                pub fn into_inner(self) -> $int {
                    self.inner.into_inner()
                }

                /// A raw pointer to the value.
                #[inline]
                #[cfg(not(any(loom, shuttle)))]
                pub const fn as_ptr(&self) -> *mut $int {
                    self.inner.as_ptr()
                }

                /// Loads the value.
                #[inline]
                pub fn load(&self, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    note(self, self.inner.load(order), |v| Op::Load {
                        value: v.show(),
                    })
                }

                /// Stores a value.
                #[inline]
                pub fn store(&self, val: $int, order: Ordering) {
                    rt::point();
                    self.inner.store(val, order);
                    note(self, val, |v| Op::Store { value: v.show() });
                }

                /// Stores a value, returning the previous one.
                #[inline]
                pub fn swap(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    note(self, self.inner.swap(val, order), |old| Op::Rmw {
                        name: "swap",
                        read: old.show(),
                        wrote: val.show(),
                    })
                }

                /// Stores `new` if the value is `current`; returns the previous value.
                #[inline]
                pub fn compare_exchange(
                    &self,
                    current: $int,
                    new: $int,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$int, $int> {
                    rt::point();
                    crate::instrument::note_ordering(success);
                    crate::instrument::note_ordering(failure);
                    note(
                        self,
                        self.inner.compare_exchange(current, new, success, failure),
                        cas("compare_exchange", new),
                    )
                }

                /// Like `compare_exchange`, but may fail spuriously (under the grader's
                /// stress instrumentation it does, now and then).
                #[inline]
                pub fn compare_exchange_weak(
                    &self,
                    current: $int,
                    new: $int,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$int, $int> {
                    rt::point();
                    crate::instrument::note_ordering(success);
                    crate::instrument::note_ordering(failure);
                    if cfg!(not(any(loom, shuttle))) && rt::spurious() {
                        // Allowed by the contract: see `rt::spurious`.
                        return note(
                            self,
                            Err(self.inner.load(failure)),
                            cas("compare_exchange_weak", new),
                        );
                    }
                    note(
                        self,
                        self.inner
                            .compare_exchange_weak(current, new, success, failure),
                        cas("compare_exchange_weak", new),
                    )
                }

                /// Adds to the value (wrapping), returning the previous value.
                #[inline]
                pub fn fetch_add(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    note(self, self.inner.fetch_add(val, order), |old| Op::Rmw {
                        name: "fetch_add",
                        read: old.show(),
                        wrote: (old.wrapping_add(val)).show(),
                    })
                }

                /// Subtracts from the value (wrapping), returning the previous value.
                #[inline]
                pub fn fetch_sub(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    note(self, self.inner.fetch_sub(val, order), |old| Op::Rmw {
                        name: "fetch_sub",
                        read: old.show(),
                        wrote: (old.wrapping_sub(val)).show(),
                    })
                }

                /// Bitwise "and", returning the previous value.
                #[inline]
                pub fn fetch_and(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    note(self, self.inner.fetch_and(val, order), |old| Op::Rmw {
                        name: "fetch_and",
                        read: old.show(),
                        wrote: (old & val).show(),
                    })
                }

                /// Bitwise "nand", returning the previous value.
                #[inline]
                pub fn fetch_nand(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    note(self, self.inner.fetch_nand(val, order), |old| Op::Rmw {
                        name: "fetch_nand",
                        read: old.show(),
                        wrote: (!(old & val)).show(),
                    })
                }

                /// Bitwise "or", returning the previous value.
                #[inline]
                pub fn fetch_or(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    note(self, self.inner.fetch_or(val, order), |old| Op::Rmw {
                        name: "fetch_or",
                        read: old.show(),
                        wrote: (old | val).show(),
                    })
                }

                /// Bitwise "xor", returning the previous value.
                #[inline]
                pub fn fetch_xor(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    note(self, self.inner.fetch_xor(val, order), |old| Op::Rmw {
                        name: "fetch_xor",
                        read: old.show(),
                        wrote: (old ^ val).show(),
                    })
                }

                /// Maximum with the value, returning the previous value.
                #[inline]
                pub fn fetch_max(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    note(self, self.inner.fetch_max(val, order), |old| Op::Rmw {
                        name: "fetch_max",
                        read: old.show(),
                        wrote: (old.max(val)).show(),
                    })
                }

                /// Minimum with the value, returning the previous value.
                #[inline]
                pub fn fetch_min(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    note(self, self.inner.fetch_min(val, order), |old| Op::Rmw {
                        name: "fetch_min",
                        read: old.show(),
                        wrote: (old.min(val)).show(),
                    })
                }

                /// Applies `f` until it succeeds (a compare-exchange loop).
                #[inline]
                pub fn fetch_update<F>(
                    &self,
                    set_order: Ordering,
                    fetch_order: Ordering,
                    mut f: F,
                ) -> Result<$int, $int>
                where
                    F: FnMut($int) -> Option<$int>,
                {
                    rt::point();
                    crate::instrument::note_ordering(set_order);
                    crate::instrument::note_ordering(fetch_order);
                    let mut wrote = None;
                    let result = self.inner.fetch_update(set_order, fetch_order, |v| {
                        wrote = f(v);
                        wrote
                    });
                    note(self, result, |r| match (r, wrote) {
                        (Ok(old), Some(new)) => Op::Rmw {
                            name: "fetch_update",
                            read: old.show(),
                            wrote: new.show(),
                        },
                        (Ok(old) | Err(old), _) => Op::CasFailed {
                            name: "fetch_update",
                            read: old.show(),
                        },
                    })
                }
            }

            impl From<$int> for $name {
                #[inline]
                fn from(v: $int) -> Self {
                    $name::new(v)
                }
            }

            impl fmt::Debug for $name {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    fmt::Debug::fmt(&self.inner, f)
                }
            }
        };
    }

    atomic_int!(AtomicI8, i8);
    atomic_int!(AtomicI16, i16);
    atomic_int!(AtomicI32, i32);
    atomic_int!(AtomicI64, i64);
    atomic_int!(AtomicIsize, isize);
    atomic_int!(AtomicU8, u8);
    atomic_int!(AtomicU16, u16);
    atomic_int!(AtomicU32, u32);
    atomic_int!(AtomicU64, u64);
    atomic_int!(AtomicUsize, usize);

    /// `std::sync::atomic::AtomicBool` with the same API.
    #[repr(transparent)]
    #[derive(Default)]
    pub struct AtomicBool {
        inner: imp::AtomicBool,
    }

    impl AtomicBool {
        /// Creates a new atomic boolean.
        #[inline]
        #[cfg(not(loom))]
        pub const fn new(v: bool) -> AtomicBool {
            AtomicBool {
                inner: imp::AtomicBool::new(v),
            }
        }

        /// Creates a new atomic boolean.
        #[inline]
        #[cfg(loom)]
        pub fn new(v: bool) -> AtomicBool {
            AtomicBool {
                inner: imp::AtomicBool::new(v),
            }
        }

        /// A mutable reference to the value (no synchronization needed).
        #[inline]
        #[cfg(not(loom))]
        pub fn get_mut(&mut self) -> &mut bool {
            self.inner.get_mut()
        }

        /// Consumes the atomic and returns the value.
        #[inline]
        pub fn into_inner(self) -> bool {
            self.inner.into_inner()
        }

        /// A raw pointer to the value.
        #[inline]
        #[cfg(not(any(loom, shuttle)))]
        pub const fn as_ptr(&self) -> *mut bool {
            self.inner.as_ptr()
        }

        /// Loads the value.
        #[inline]
        pub fn load(&self, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            note(self, self.inner.load(order), |v| Op::Load {
                value: v.show(),
            })
        }

        /// Stores a value.
        #[inline]
        pub fn store(&self, val: bool, order: Ordering) {
            rt::point();
            self.inner.store(val, order);
            note(self, val, |v| Op::Store { value: v.show() });
        }

        /// Stores a value, returning the previous one.
        #[inline]
        pub fn swap(&self, val: bool, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            note(self, self.inner.swap(val, order), |old| Op::Rmw {
                name: "swap",
                read: old.show(),
                wrote: val.show(),
            })
        }

        /// Stores `new` if the value is `current`; returns the previous value.
        #[inline]
        pub fn compare_exchange(
            &self,
            current: bool,
            new: bool,
            success: Ordering,
            failure: Ordering,
        ) -> Result<bool, bool> {
            rt::point();
            crate::instrument::note_ordering(success);
            crate::instrument::note_ordering(failure);
            note(
                self,
                self.inner.compare_exchange(current, new, success, failure),
                cas("compare_exchange", new),
            )
        }

        /// Like `compare_exchange`, but may fail spuriously (under the grader's
        /// stress instrumentation it does, now and then).
        #[inline]
        pub fn compare_exchange_weak(
            &self,
            current: bool,
            new: bool,
            success: Ordering,
            failure: Ordering,
        ) -> Result<bool, bool> {
            rt::point();
            crate::instrument::note_ordering(success);
            crate::instrument::note_ordering(failure);
            if cfg!(not(any(loom, shuttle))) && rt::spurious() {
                // Allowed by the contract: see `rt::spurious`.
                return note(
                    self,
                    Err(self.inner.load(failure)),
                    cas("compare_exchange_weak", new),
                );
            }
            note(
                self,
                self.inner
                    .compare_exchange_weak(current, new, success, failure),
                cas("compare_exchange_weak", new),
            )
        }

        /// Logical "and", returning the previous value.
        #[inline]
        pub fn fetch_and(&self, val: bool, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            note(self, self.inner.fetch_and(val, order), |old| Op::Rmw {
                name: "fetch_and",
                read: old.show(),
                wrote: (old & val).show(),
            })
        }

        /// Logical "nand", returning the previous value.
        #[inline]
        pub fn fetch_nand(&self, val: bool, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            note(self, self.inner.fetch_nand(val, order), |old| Op::Rmw {
                name: "fetch_nand",
                read: old.show(),
                wrote: (!(old & val)).show(),
            })
        }

        /// Logical "or", returning the previous value.
        #[inline]
        pub fn fetch_or(&self, val: bool, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            note(self, self.inner.fetch_or(val, order), |old| Op::Rmw {
                name: "fetch_or",
                read: old.show(),
                wrote: (old | val).show(),
            })
        }

        /// Logical "xor", returning the previous value.
        #[inline]
        pub fn fetch_xor(&self, val: bool, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            note(self, self.inner.fetch_xor(val, order), |old| Op::Rmw {
                name: "fetch_xor",
                read: old.show(),
                wrote: (old ^ val).show(),
            })
        }

        /// Logical "not", returning the previous value.
        #[inline]
        #[cfg(not(loom))]
        pub fn fetch_not(&self, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            note(self, self.inner.fetch_not(order), |old| Op::Rmw {
                name: "fetch_not",
                read: old.show(),
                wrote: (!old).show(),
            })
        }

        /// Applies `f` until it succeeds (a compare-exchange loop).
        #[inline]
        pub fn fetch_update<F>(
            &self,
            set_order: Ordering,
            fetch_order: Ordering,
            mut f: F,
        ) -> Result<bool, bool>
        where
            F: FnMut(bool) -> Option<bool>,
        {
            rt::point();
            crate::instrument::note_ordering(set_order);
            crate::instrument::note_ordering(fetch_order);
            let mut wrote = None;
            let result = self.inner.fetch_update(set_order, fetch_order, |v| {
                wrote = f(v);
                wrote
            });
            note(self, result, |r| match (r, wrote) {
                (Ok(old), Some(new)) => Op::Rmw {
                    name: "fetch_update",
                    read: old.show(),
                    wrote: new.show(),
                },
                (Ok(old) | Err(old), _) => Op::CasFailed {
                    name: "fetch_update",
                    read: old.show(),
                },
            })
        }
    }

    impl From<bool> for AtomicBool {
        #[inline]
        fn from(v: bool) -> Self {
            AtomicBool::new(v)
        }
    }

    impl fmt::Debug for AtomicBool {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Debug::fmt(&self.inner, f)
        }
    }

    /// `std::sync::atomic::AtomicPtr` with the same API.
    #[repr(transparent)]
    pub struct AtomicPtr<T> {
        inner: imp::AtomicPtr<T>,
    }

    impl<T> AtomicPtr<T> {
        /// Creates a new atomic pointer.
        #[inline]
        #[cfg(not(loom))]
        pub const fn new(p: *mut T) -> AtomicPtr<T> {
            AtomicPtr {
                inner: imp::AtomicPtr::new(p),
            }
        }

        /// Creates a new atomic pointer.
        #[inline]
        #[cfg(loom)]
        pub fn new(p: *mut T) -> AtomicPtr<T> {
            AtomicPtr {
                inner: imp::AtomicPtr::new(p),
            }
        }

        /// A mutable reference to the pointer (no synchronization needed).
        #[inline]
        #[cfg(not(loom))]
        pub fn get_mut(&mut self) -> &mut *mut T {
            self.inner.get_mut()
        }

        /// Consumes the atomic and returns the pointer.
        #[inline]
        pub fn into_inner(self) -> *mut T {
            self.inner.into_inner()
        }

        /// Loads the pointer.
        #[inline]
        pub fn load(&self, order: Ordering) -> *mut T {
            rt::point();
            crate::instrument::note_ordering(order);
            self.inner.load(order)
        }

        /// Stores a pointer.
        #[inline]
        pub fn store(&self, ptr: *mut T, order: Ordering) {
            rt::point();
            self.inner.store(ptr, order)
        }

        /// Stores a pointer, returning the previous one.
        #[inline]
        pub fn swap(&self, ptr: *mut T, order: Ordering) -> *mut T {
            rt::point();
            crate::instrument::note_ordering(order);
            self.inner.swap(ptr, order)
        }

        /// Stores `new` if the pointer is `current`; returns the previous one.
        #[inline]
        pub fn compare_exchange(
            &self,
            current: *mut T,
            new: *mut T,
            success: Ordering,
            failure: Ordering,
        ) -> Result<*mut T, *mut T> {
            rt::point();
            crate::instrument::note_ordering(success);
            crate::instrument::note_ordering(failure);
            self.inner.compare_exchange(current, new, success, failure)
        }

        /// Like `compare_exchange`, but may fail spuriously (under the grader's
        /// stress instrumentation it does, now and then).
        #[inline]
        pub fn compare_exchange_weak(
            &self,
            current: *mut T,
            new: *mut T,
            success: Ordering,
            failure: Ordering,
        ) -> Result<*mut T, *mut T> {
            rt::point();
            crate::instrument::note_ordering(success);
            crate::instrument::note_ordering(failure);
            if cfg!(not(any(loom, shuttle))) && rt::spurious() {
                // Allowed by the contract: see `rt::spurious`.
                return Err(self.inner.load(failure));
            }
            self.inner
                .compare_exchange_weak(current, new, success, failure)
        }

        /// Applies `f` until it succeeds (a compare-exchange loop).
        #[inline]
        pub fn fetch_update<F>(
            &self,
            set_order: Ordering,
            fetch_order: Ordering,
            f: F,
        ) -> Result<*mut T, *mut T>
        where
            F: FnMut(*mut T) -> Option<*mut T>,
        {
            rt::point();
            crate::instrument::note_ordering(set_order);
            crate::instrument::note_ordering(fetch_order);
            self.inner.fetch_update(set_order, fetch_order, f)
        }
    }

    impl<T> Default for AtomicPtr<T> {
        fn default() -> Self {
            AtomicPtr::new(std::ptr::null_mut())
        }
    }

    impl<T> From<*mut T> for AtomicPtr<T> {
        #[inline]
        fn from(p: *mut T) -> Self {
            AtomicPtr::new(p)
        }
    }

    impl<T> fmt::Debug for AtomicPtr<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Debug::fmt(&self.inner, f)
        }
    }
}
