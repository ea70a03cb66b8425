//! `std::sync::atomic` with the same names and signatures.
//!
//! Normal build: std's atomics behind a wrapper whose every operation is a
//! synchronization point (perturbed under stress). Under `--cfg loom`:
//! loom's atomics, which model the weak memory orderings (a `Relaxed` load
//! may see an old value), so a missing `Acquire`/`Release` is found. Under
//! `--cfg shuttle`: shuttle's atomics, every operation a scheduling point, all
//! of them sequentially consistent (shuttle cannot find ordering bugs).

pub use std::sync::atomic::{Ordering, compiler_fence};

#[cfg(loom)]
pub use loom::sync::atomic::{
    AtomicBool, AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize, AtomicPtr, AtomicU8,
    AtomicU16, AtomicU32, AtomicU64, AtomicUsize, fence,
};

#[cfg(shuttle)]
pub use shuttle::sync::atomic::{
    AtomicBool, AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize, AtomicPtr, AtomicU8,
    AtomicU16, AtomicU32, AtomicU64, AtomicUsize, fence,
};

#[cfg(not(any(loom, shuttle)))]
pub use self::std_impl::*;

#[cfg(not(any(loom, shuttle)))]
mod std_impl {
    use std::fmt;
    use std::sync::atomic as imp;

    use super::Ordering;
    use crate::rt;

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
                pub const fn new(v: $int) -> Self {
                    $name {
                        inner: imp::$name::new(v),
                    }
                }

                /// A mutable reference to the value (no synchronization needed).
                #[inline]
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
                pub const fn as_ptr(&self) -> *mut $int {
                    self.inner.as_ptr()
                }

                /// Loads the value.
                #[inline]
                pub fn load(&self, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    self.inner.load(order)
                }

                /// Stores a value.
                #[inline]
                pub fn store(&self, val: $int, order: Ordering) {
                    rt::point();
                    self.inner.store(val, order)
                }

                /// Stores a value, returning the previous one.
                #[inline]
                pub fn swap(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    self.inner.swap(val, order)
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
                    self.inner.compare_exchange(current, new, success, failure)
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
                    if rt::spurious() {
                        // Allowed by the contract: see `rt::spurious`.
                        return Err(self.inner.load(failure));
                    }
                    self.inner
                        .compare_exchange_weak(current, new, success, failure)
                }

                /// Adds to the value (wrapping), returning the previous value.
                #[inline]
                pub fn fetch_add(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    self.inner.fetch_add(val, order)
                }

                /// Subtracts from the value (wrapping), returning the previous value.
                #[inline]
                pub fn fetch_sub(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    self.inner.fetch_sub(val, order)
                }

                /// Bitwise "and", returning the previous value.
                #[inline]
                pub fn fetch_and(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    self.inner.fetch_and(val, order)
                }

                /// Bitwise "nand", returning the previous value.
                #[inline]
                pub fn fetch_nand(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    self.inner.fetch_nand(val, order)
                }

                /// Bitwise "or", returning the previous value.
                #[inline]
                pub fn fetch_or(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    self.inner.fetch_or(val, order)
                }

                /// Bitwise "xor", returning the previous value.
                #[inline]
                pub fn fetch_xor(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    self.inner.fetch_xor(val, order)
                }

                /// Maximum with the value, returning the previous value.
                #[inline]
                pub fn fetch_max(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    self.inner.fetch_max(val, order)
                }

                /// Minimum with the value, returning the previous value.
                #[inline]
                pub fn fetch_min(&self, val: $int, order: Ordering) -> $int {
                    rt::point();
                    crate::instrument::note_ordering(order);
                    self.inner.fetch_min(val, order)
                }

                /// Applies `f` until it succeeds (a compare-exchange loop).
                #[inline]
                pub fn fetch_update<F>(
                    &self,
                    set_order: Ordering,
                    fetch_order: Ordering,
                    f: F,
                ) -> Result<$int, $int>
                where
                    F: FnMut($int) -> Option<$int>,
                {
                    rt::point();
                    crate::instrument::note_ordering(set_order);
                    crate::instrument::note_ordering(fetch_order);
                    self.inner.fetch_update(set_order, fetch_order, f)
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
        pub const fn new(v: bool) -> AtomicBool {
            AtomicBool {
                inner: imp::AtomicBool::new(v),
            }
        }

        /// A mutable reference to the value (no synchronization needed).
        #[inline]
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
        pub const fn as_ptr(&self) -> *mut bool {
            self.inner.as_ptr()
        }

        /// Loads the value.
        #[inline]
        pub fn load(&self, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            self.inner.load(order)
        }

        /// Stores a value.
        #[inline]
        pub fn store(&self, val: bool, order: Ordering) {
            rt::point();
            self.inner.store(val, order)
        }

        /// Stores a value, returning the previous one.
        #[inline]
        pub fn swap(&self, val: bool, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            self.inner.swap(val, order)
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
            self.inner.compare_exchange(current, new, success, failure)
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
            if rt::spurious() {
                // Allowed by the contract: see `rt::spurious`.
                return Err(self.inner.load(failure));
            }
            self.inner
                .compare_exchange_weak(current, new, success, failure)
        }

        /// Logical "and", returning the previous value.
        #[inline]
        pub fn fetch_and(&self, val: bool, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            self.inner.fetch_and(val, order)
        }

        /// Logical "nand", returning the previous value.
        #[inline]
        pub fn fetch_nand(&self, val: bool, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            self.inner.fetch_nand(val, order)
        }

        /// Logical "or", returning the previous value.
        #[inline]
        pub fn fetch_or(&self, val: bool, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            self.inner.fetch_or(val, order)
        }

        /// Logical "xor", returning the previous value.
        #[inline]
        pub fn fetch_xor(&self, val: bool, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            self.inner.fetch_xor(val, order)
        }

        /// Logical "not", returning the previous value.
        #[inline]
        pub fn fetch_not(&self, order: Ordering) -> bool {
            rt::point();
            crate::instrument::note_ordering(order);
            self.inner.fetch_not(order)
        }

        /// Applies `f` until it succeeds (a compare-exchange loop).
        #[inline]
        pub fn fetch_update<F>(
            &self,
            set_order: Ordering,
            fetch_order: Ordering,
            f: F,
        ) -> Result<bool, bool>
        where
            F: FnMut(bool) -> Option<bool>,
        {
            rt::point();
            crate::instrument::note_ordering(set_order);
            crate::instrument::note_ordering(fetch_order);
            self.inner.fetch_update(set_order, fetch_order, f)
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
        pub const fn new(p: *mut T) -> AtomicPtr<T> {
            AtomicPtr {
                inner: imp::AtomicPtr::new(p),
            }
        }

        /// A mutable reference to the pointer (no synchronization needed).
        #[inline]
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
            if rt::spurious() {
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
