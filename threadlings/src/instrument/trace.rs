//! The trace log: the synchronization steps of the running execution, in
//! the order they happened, so a failed race check can show *how* the
//! threads interleaved (which thread read which value, whose store
//! overwrote whose, which lock each blocked thread asked for last).
//!
//! Off unless a check switches it on with [`record`] (and only while the
//! instrumentation tracks threads): then every lock, unlock, condition-variable
//! wait and notify, barrier wait, spawn and join of the facade appends one
//! step, with the value a lock protects when it is a primitive (read when
//! the lock is taken, and, when the holder changed it, at the unlock), and
//! every atomic operation with the values read and written (under loom, a
//! `Relaxed` load shows the stale value it returned). The log is a ring of
//! the last 512 steps: cheap enough to leave on for a whole stress run, and
//! the end of a failing execution is what a report shows. Under loom and
//! shuttle one thread runs at a time, so the order of the log is exactly the
//! interleaving; [`super::reset`] (called before each explored execution)
//! empties it, so after a failure it holds the failing execution alone.

use std::fmt;

use crate::rt;

/// Switches recording on or off. Needs the instrumentation
/// [`enable`](super::enable)d to record anything; [`super::disable`] turns
/// it off too.
pub fn record(on: bool) {
    rt::set_recording(on);
}

/// Whether steps are being recorded now.
pub fn is_recording() -> bool {
    rt::recording()
}

/// Forgets the steps recorded so far (a stress round starts). Model checks
/// do not need it: [`super::reset`] empties the log too.
pub fn clear() {
    rt::clear_trace();
}

/// The steps recorded so far (the last 512).
pub fn current() -> Trace {
    rt::with_trace(true, convert).unwrap_or_default()
}

/// Like [`current`], or `None` if the registry is busy (for panic hooks,
/// which may run while it is locked).
pub fn try_current() -> Option<Trace> {
    rt::with_trace(false, convert)
}

/// Records that the current thread calls `op()` of the code under test
/// (e.g. `push(3)`), while recording: the trace then shows the student's
/// own operations between the synchronization steps they made. `op` is
/// not called otherwise.
pub fn call(op: impl FnOnce() -> String) {
    if rt::recording() {
        rt::record_call(op());
    }
}

/// Records that the current thread's last [`call`] returned `result()`.
pub fn returned(result: impl FnOnce() -> String) {
    if rt::recording() {
        rt::record_return(result());
    }
}

/// How a lock was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A mutex.
    Mutex,
    /// An rwlock's shared read lock.
    Read,
    /// An rwlock's exclusive write lock.
    Write,
}

/// A value read or written, when its type is a primitive the facade can
/// show (integers and `bool`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// A signed integer.
    Int(i128),
    /// An unsigned integer.
    UInt(u128),
    /// A `bool`.
    Bool(bool),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(v) => write!(f, "{v}"),
            Value::UInt(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{v}"),
        }
    }
}

impl Value {
    /// The value behind `v` when `T` is an integer type or `bool`; `None`
    /// for any other type (a lock's data is generic, and the facade must not
    /// ask for `Debug`: a student's type need not have it).
    pub fn of<T: ?Sized>(v: &T) -> Option<Value> {
        let name = std::any::type_name::<T>();
        let size = std::mem::size_of_val(v);
        let ptr = (v as *const T).cast::<u8>();
        macro_rules! read {
            ($($t:ty => $variant:ident),*) => {$(
                if name == stringify!($t) && size == std::mem::size_of::<$t>() {
                    // SAFETY: `type_name` names a primitive only for that
                    // primitive (any other type's name has a path), the size
                    // matches, and `v` is a valid, aligned, initialized `T`.
                    let value = unsafe { ptr.cast::<$t>().read() };
                    return Some(Value::$variant(value.into()));
                }
            )*};
        }
        read!(u8 => UInt, u16 => UInt, u32 => UInt, u64 => UInt, u128 => UInt,
              i8 => Int, i16 => Int, i32 => Int, i64 => Int, i128 => Int, bool => Bool);
        if name == "usize" && size == std::mem::size_of::<usize>() {
            // SAFETY: as above.
            return Some(Value::UInt(unsafe { ptr.cast::<usize>().read() } as u128));
        }
        if name == "isize" && size == std::mem::size_of::<isize>() {
            // SAFETY: as above.
            return Some(Value::Int(unsafe { ptr.cast::<isize>().read() } as i128));
        }
        None
    }
}

/// A primitive an atomic holds, as a [`Value`].
pub(crate) trait Show: Copy {
    fn show(self) -> Value;
}

macro_rules! show {
    ($($t:ty => $variant:ident as $wide:ty),*) => {$(
        impl Show for $t {
            #[inline]
            fn show(self) -> Value {
                Value::$variant(self as $wide)
            }
        }
    )*};
}

show!(u8 => UInt as u128, u16 => UInt as u128, u32 => UInt as u128, u64 => UInt as u128,
      usize => UInt as u128, i8 => Int as i128, i16 => Int as i128, i32 => Int as i128,
      i64 => Int as i128, isize => Int as i128);

impl Show for bool {
    #[inline]
    fn show(self) -> Value {
        Value::Bool(self)
    }
}

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Asked for a lock; it had not got it at the thread's next step (it
    /// waited, or the scheduler ran another thread first).
    Lock {
        /// How it asked.
        mode: Mode,
    },
    /// Got a lock, seeing `seen` inside. `waited`: the request is an
    /// earlier [`Op::Lock`] step (other steps came between); otherwise the
    /// request and the acquisition are this one step.
    Locked {
        /// How it was taken.
        mode: Mode,
        /// The protected value when the lock was taken.
        seen: Option<Value>,
        /// Whether other steps came between the request and the acquisition.
        waited: bool,
    },
    /// A `try_lock`, `try_read` or `try_write` that failed.
    TryLockFailed {
        /// How it asked.
        mode: Mode,
    },
    /// Released a lock; `wrote` is the value it leaves when the holder
    /// changed it (took it mutably).
    Unlock {
        /// How it had been taken.
        mode: Mode,
        /// The value left behind, when the holder wrote to it.
        wrote: Option<Value>,
    },
    /// Started an untimed `Condvar` wait (releasing its mutex).
    Wait,
    /// Returned from a `Condvar` wait (holding its mutex again).
    Woken,
    /// `notify_one` (`all: false`) or `notify_all`.
    Notify {
        /// `notify_all`.
        all: bool,
    },
    /// Arrived at a barrier.
    BarrierWait,
    /// Spawned a thread.
    Spawn,
    /// Started joining a thread.
    Join,
    /// An atomic load.
    Load {
        /// The value read.
        value: Value,
    },
    /// An atomic store.
    Store {
        /// The value written.
        value: Value,
    },
    /// A read-modify-write (`swap`, `fetch_add`, a successful
    /// `compare_exchange`, ...): reads and writes as one step.
    Rmw {
        /// The method (`fetch_add`).
        name: &'static str,
        /// The value it read.
        read: Value,
        /// The value it wrote.
        wrote: Value,
    },
    /// The code under test was called ([`call`]); the target names the
    /// operation.
    Call,
    /// The call returned ([`returned`]); the target names the operation
    /// and its result.
    Return,
    /// A `compare_exchange` (or its weak form, or `fetch_update`) that
    /// wrote nothing.
    CasFailed {
        /// The method.
        name: &'static str,
        /// The value it read.
        read: Value,
    },
}

/// What a step was done to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Nothing named (never produced by the facade today).
    None,
    /// An entry of [`Trace::objects`].
    Object(usize),
    /// An entry of [`Trace::threads`] (spawned or joined).
    Thread(usize),
    /// An entry of [`Trace::calls`].
    Call(usize),
}

/// An operation of the code under test, as a check announced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// What was called, e.g. `push(3)`.
    pub op: String,
    /// What it returned, once it did.
    pub result: Option<String>,
}

/// One step of the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The thread that did it, an index into [`Trace::threads`].
    pub thread: usize,
    /// What it did.
    pub op: Op,
    /// To what.
    pub target: Target,
}

/// A lock or atomic the trace names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// Short, unique in the trace: its [`name`](super::name), or `mutex #1`,
    /// `atomic #2`.
    pub label: String,
    /// What it is, when the facade knows (a report words it per language).
    pub what: Option<ObjectWhat>,
}

/// What a traced object is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectWhat {
    /// A lock, condition variable or barrier of the facade.
    Lock {
        /// Mutex, RwLock, Condvar or Barrier.
        kind: super::LockKind,
        /// The type it protects (`u64`), empty for condvars and barriers.
        type_name: String,
        /// Where it was created (`src/lib.rs:61:20`).
        created_at: String,
    },
    /// An atomic.
    Atomic {
        /// Its type's last path segment (`AtomicBool`).
        type_name: String,
    },
}

/// The recorded steps of the current (or last) execution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// Thread names, in order of first step (the scenario's own thread is
    /// `main` under loom and shuttle).
    pub threads: Vec<String>,
    /// The locks and atomics the steps touch, in order of first step.
    pub objects: Vec<Object>,
    /// The steps, oldest first.
    pub steps: Vec<Step>,
    /// The calls the [`Op::Call`] and [`Op::Return`] steps name.
    pub calls: Vec<Call>,
    /// Earlier steps that no longer fit in the ring.
    pub dropped: u64,
}

fn convert(r: &rt::Registry) -> Trace {
    let log = &r.trace;
    let thread_index = |tid: u64| log.threads.iter().position(|(t, _)| *t == tid);
    let mut objects: Vec<Object> = Vec::new();
    let mut object_keys: Vec<rt::Obj> = Vec::new();
    let mut steps = Vec::with_capacity(log.steps.len());
    for raw in &log.steps {
        let Some(thread) = thread_index(raw.tid) else {
            continue;
        };
        let target = match raw.obj {
            rt::Obj::Thread(tid) => match thread_index(tid) {
                Some(t) => Target::Thread(t),
                None => Target::None,
            },
            rt::Obj::Call(index) => Target::Call(index as usize),
            key => {
                let index = match object_keys.iter().position(|k| *k == key) {
                    Some(index) => index,
                    None => {
                        object_keys.push(key);
                        objects.push(describe(r, key));
                        objects.len() - 1
                    }
                };
                Target::Object(index)
            }
        };
        steps.push(Step {
            thread,
            op: raw.op,
            target,
        });
    }
    Trace {
        threads: log.threads.iter().map(|(_, name)| name.clone()).collect(),
        objects,
        steps,
        calls: log
            .calls
            .iter()
            .map(|(op, result)| Call {
                op: op.clone(),
                result: result.clone(),
            })
            .collect(),
        dropped: log.dropped,
    }
}

fn describe(r: &rt::Registry, key: rt::Obj) -> Object {
    let log = &r.trace;
    match key {
        rt::Obj::Lock(id) => match log.locks.get(&id) {
            Some(desc) => {
                let info = super::info(r, desc);
                let kind = match info.kind {
                    super::LockKind::Mutex => "mutex",
                    super::LockKind::RwLock => "rwlock",
                    super::LockKind::Condvar => "condvar",
                    super::LockKind::Barrier => "barrier",
                };
                Object {
                    label: info.name.unwrap_or_else(|| format!("{kind} #{}", info.id)),
                    what: Some(ObjectWhat::Lock {
                        kind: info.kind,
                        type_name: info.type_name,
                        created_at: info.created_at,
                    }),
                }
            }
            None => Object {
                label: format!("lock #{id}"),
                what: None,
            },
        },
        rt::Obj::Atomic(index) => {
            let type_name = log.atomics.get(index as usize).map_or("", |(_, t)| t);
            let type_name = type_name.rsplit("::").next().unwrap_or_default();
            Object {
                label: format!("atomic #{}", index + 1),
                what: (!type_name.is_empty()).then(|| ObjectWhat::Atomic {
                    type_name: type_name.to_string(),
                }),
            }
        }
        rt::Obj::Thread(_) | rt::Obj::Call(_) => Object {
            label: String::new(),
            what: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::Value;

    #[test]
    fn primitives_are_read_and_other_types_are_not() {
        assert_eq!(Value::of(&7_u64), Some(Value::UInt(7)));
        assert_eq!(Value::of(&-3_i32), Some(Value::Int(-3)));
        assert_eq!(Value::of(&12_usize), Some(Value::UInt(12)));
        assert_eq!(Value::of(&true), Some(Value::Bool(true)));
        assert_eq!(Value::of(&(1_u32, 2_u32)), None);
        assert_eq!(Value::of(&vec![1_u64]), None);
        assert_eq!(Value::of("text"), None);
        assert_eq!(Value::UInt(5).to_string(), "5");
    }
}
