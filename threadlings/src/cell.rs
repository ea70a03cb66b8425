//! `UnsafeCell` with loom's API, so a model can check every access.
//!
//! std's `UnsafeCell::get` hands out a raw pointer that loom cannot follow.
//! This cell hands out access through closures ([`UnsafeCell::with`],
//! [`UnsafeCell::with_mut`]) or tracked pointers ([`UnsafeCell::get`],
//! [`UnsafeCell::get_mut`]), so under `--cfg loom` two threads touching the
//! data without a happens-before relation is reported as a "causality
//! violation" instead of passing silently. In the normal build it is std's
//! `UnsafeCell` with no overhead.

#[cfg(loom)]
pub use loom::cell::{ConstPtr, MutPtr, UnsafeCell};

#[cfg(not(loom))]
pub use self::std_impl::*;

#[cfg(not(loom))]
mod std_impl {
    /// Interior mutability without synchronization (loom's API over std's cell).
    #[derive(Debug, Default)]
    #[repr(transparent)]
    pub struct UnsafeCell<T: ?Sized> {
        data: std::cell::UnsafeCell<T>,
    }

    impl<T> UnsafeCell<T> {
        /// Wraps `data`.
        #[inline]
        pub const fn new(data: T) -> UnsafeCell<T> {
            UnsafeCell {
                data: std::cell::UnsafeCell::new(data),
            }
        }

        /// Unwraps the value.
        #[inline]
        pub fn into_inner(self) -> T {
            self.data.into_inner()
        }
    }

    impl<T: ?Sized> UnsafeCell<T> {
        /// Calls `f` with a pointer for reading the data.
        #[inline]
        pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.data.get())
        }

        /// Calls `f` with a pointer for writing the data.
        #[inline]
        pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.data.get())
        }

        /// A read access that lasts as long as the returned pointer.
        #[inline]
        pub fn get(&self) -> ConstPtr<T> {
            ConstPtr {
                ptr: self.data.get(),
            }
        }

        /// A write access that lasts as long as the returned pointer.
        #[inline]
        pub fn get_mut(&self) -> MutPtr<T> {
            MutPtr {
                ptr: self.data.get(),
            }
        }
    }

    impl<T> From<T> for UnsafeCell<T> {
        fn from(data: T) -> UnsafeCell<T> {
            UnsafeCell::new(data)
        }
    }

    /// A read access to an [`UnsafeCell`] (loom tracks it until dropped).
    #[derive(Debug)]
    pub struct ConstPtr<T: ?Sized> {
        ptr: *const T,
    }

    impl<T: ?Sized> ConstPtr<T> {
        /// Dereferences the pointer.
        ///
        /// # Safety
        ///
        /// No write access to the cell may exist while the reference lives.
        #[inline]
        pub unsafe fn deref(&self) -> &T {
            // SAFETY: upheld by the caller.
            unsafe { &*self.ptr }
        }

        /// Calls `f` with the raw pointer.
        #[inline]
        pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.ptr)
        }
    }

    /// A write access to an [`UnsafeCell`] (loom tracks it until dropped).
    #[derive(Debug)]
    pub struct MutPtr<T: ?Sized> {
        ptr: *mut T,
    }

    impl<T: ?Sized> MutPtr<T> {
        /// Dereferences the pointer mutably.
        ///
        /// # Safety
        ///
        /// No other access to the cell may exist while the reference lives.
        #[inline]
        #[allow(clippy::mut_from_ref)]
        pub unsafe fn deref(&self) -> &mut T {
            // SAFETY: upheld by the caller.
            unsafe { &mut *self.ptr }
        }

        /// Calls `f` with the raw pointer.
        #[inline]
        pub fn with<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.ptr)
        }
    }
}
