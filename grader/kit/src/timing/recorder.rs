//! [`Recorder`]: per-task start/end events, the peak number of tasks in
//! flight, and the threads the tasks ran on.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use threadlings_schema::report::{TaskEvent, Timeline};

use crate::Ctx;

/// Spans kept in a timeline; later ones are counted in `omitted`.
pub const MAX_EVENTS: usize = 200;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Records when each task ran and on which thread, and counts tasks in flight.
///
/// Two ways to record, usable together:
/// - [`Recorder::task`] (or [`Recorder::run`]) around one task: a span from
///   start to end, counted in flight while it runs. Use it for tasks the check
///   hands to student code (simulated fetches, jobs, stage calls).
/// - [`Recorder::touch`] from inside a hot loop (a `value` closure called per
///   item): one span per thread, from its first touch to its last. It costs a
///   thread-local lookup and a clock read, so it can stay in a speedup
///   measurement.
///
/// Call [`Recorder::mark_caller`] on the thread that calls student code, so
/// [`Recorder::worker_threads`] counts only threads the student started.
pub struct Recorder {
    id: u64,
    label: String,
    epoch: Instant,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    threads: Vec<ThreadId>,
    callers: Vec<ThreadId>,
    spans: Vec<Span>,
    slots: Vec<Arc<Slot>>,
    now: usize,
    peak: usize,
    started: usize,
    finished: usize,
    notes: Vec<String>,
}

struct Span {
    task: String,
    thread: u32,
    start: Duration,
    end: Option<Duration>,
}

/// A per-thread span fed by `touch`; its end moves without taking the lock.
struct Slot {
    thread: u32,
    start_ns: u64,
    end_ns: AtomicU64,
}

/// Counters of a recorder at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Snapshot {
    /// Tasks running now.
    pub in_flight: usize,
    /// The most tasks that ran at once.
    pub peak: usize,
    pub started: usize,
    pub finished: usize,
    /// Distinct threads, other than callers, that ran a task or touched.
    pub worker_threads: usize,
}

thread_local! {
    /// The touch slots of this thread, by recorder id.
    static SLOTS: RefCell<Vec<(u64, Arc<Slot>)>> = const { RefCell::new(Vec::new()) };
}

impl Recorder {
    /// A recorder whose timeline is titled `label` (what was measured).
    pub fn new(label: impl Into<String>) -> Arc<Recorder> {
        Arc::new(Recorder {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            label: label.into(),
            epoch: Instant::now(),
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Declares the current thread a caller: it may run tasks, but it is not
    /// counted as a worker thread. Call it inside the `within` closure, just
    /// before calling student code.
    pub fn mark_caller(&self) {
        let id = thread::current().id();
        let mut state = self.lock();
        if !state.callers.contains(&id) {
            state.callers.push(id);
        }
    }

    /// Starts a task; it ends when the guard drops.
    pub fn task(&self, name: impl Into<String>) -> TaskGuard<'_> {
        let start = self.epoch.elapsed();
        let mut state = self.lock();
        let thread = thread_index(&mut state, thread::current().id());
        let index = state.spans.len();
        state.spans.push(Span {
            task: name.into(),
            thread,
            start,
            end: None,
        });
        state.now += 1;
        state.started += 1;
        state.peak = state.peak.max(state.now);
        self.changed.notify_all();
        TaskGuard { owner: self, index }
    }

    /// Runs `f` as one task named `name`.
    pub fn run<T>(&self, name: impl Into<String>, f: impl FnOnce() -> T) -> T {
        let _task = self.task(name);
        f()
    }

    /// Marks the current thread as working now (for per-item hot loops).
    ///
    /// Returns `true` exactly once per thread that is not a caller: on its
    /// first touch. A check can arrive at a rendezvous then, to prove that
    /// several workers were inside the hot loop at the same time.
    pub fn touch(&self) -> bool {
        let now = self.epoch.elapsed().as_nanos() as u64;
        let known = SLOTS.with(|slots| {
            slots
                .borrow()
                .iter()
                .find(|(id, _)| *id == self.id)
                .map(|(_, slot)| slot.end_ns.store(now, Ordering::Relaxed))
                .is_some()
        });
        if known {
            return false;
        }
        let id = thread::current().id();
        let mut state = self.lock();
        let thread = thread_index(&mut state, id);
        let slot = Arc::new(Slot {
            thread,
            start_ns: now,
            end_ns: AtomicU64::new(now),
        });
        state.slots.push(slot.clone());
        let worker = !state.callers.contains(&id);
        drop(state);
        self.changed.notify_all();
        SLOTS.with(|slots| slots.borrow_mut().push((self.id, slot)));
        worker
    }

    /// Adds a line to the timeline's notes (a measurement behind a verdict).
    pub fn note(&self, text: impl Into<String>) {
        self.lock().notes.push(text.into());
    }

    /// The counters now.
    pub fn snapshot(&self) -> Snapshot {
        snapshot(&self.lock())
    }

    /// The most tasks that were running at once.
    pub fn peak(&self) -> usize {
        self.lock().peak
    }

    /// Distinct threads, other than callers, that ran a task or touched.
    pub fn worker_threads(&self) -> usize {
        snapshot(&self.lock()).worker_threads
    }

    /// Waits until `done(snapshot)` holds or `patience` passed; returns the
    /// last snapshot. Lets a check wait, without polling, until for example
    /// every worker is busy.
    pub fn wait_until(&self, patience: Duration, done: impl Fn(&Snapshot) -> bool) -> Snapshot {
        let deadline = Instant::now() + patience;
        let mut state = self.lock();
        loop {
            let seen = snapshot(&state);
            let now = Instant::now();
            if done(&seen) || now >= deadline {
                return seen;
            }
            // Touches do not notify on every call; wake up now and then.
            let wait = (deadline - now).min(Duration::from_millis(20));
            state = self
                .changed
                .wait_timeout(state, wait)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// The recorded spans as a timeline: times from the first start, spans in
    /// start order (task spans, then one span per touching thread).
    pub fn timeline(&self) -> Timeline {
        let state = self.lock();
        let mut spans: Vec<(String, u32, u64, Option<u64>)> = state
            .spans
            .iter()
            .map(|s| {
                (
                    s.task.clone(),
                    s.thread,
                    s.start.as_micros() as u64,
                    s.end.map(|e| e.as_micros() as u64),
                )
            })
            .collect();
        for (k, slot) in state.slots.iter().enumerate() {
            spans.push((
                format!("worker {k}"),
                slot.thread,
                slot.start_ns / 1000,
                Some(slot.end_ns.load(Ordering::Relaxed) / 1000),
            ));
        }
        spans.sort_by_key(|s| s.2);
        let origin = spans.first().map_or(0, |s| s.2);
        let total = spans.len();
        let events = spans
            .into_iter()
            .take(MAX_EVENTS)
            .map(|(task, thread, start, end)| TaskEvent {
                task,
                thread,
                start_us: start - origin,
                end_us: end.map(|e| e.saturating_sub(origin)),
            })
            .collect();
        // With touches only, the peak is how many threads overlapped.
        let peak = if state.spans.is_empty() {
            overlap_peak(&state.slots)
        } else {
            state.peak
        };
        Timeline {
            label: self.label.clone(),
            events,
            omitted: total.saturating_sub(MAX_EVENTS) as u32,
            peak_in_flight: peak as u32,
            threads: state.threads.len() as u32,
            notes: state.notes.clone(),
        }
    }

    /// Sends the timeline to the grader as this check's evidence now.
    pub fn send_evidence(&self, ctx: &Ctx) {
        super::send_evidence(ctx, self.timeline());
    }

    /// Sends the evidence when the returned guard drops: on every way out of
    /// the check function, including `?` on a failed `within`.
    pub fn evidence_on_exit(self: &Arc<Self>, ctx: &Ctx) -> EvidenceGuard {
        EvidenceGuard {
            recorder: self.clone(),
            check: ctx.name(),
        }
    }
}

fn thread_index(state: &mut State, id: ThreadId) -> u32 {
    match state.threads.iter().position(|t| *t == id) {
        Some(index) => index as u32,
        None => {
            state.threads.push(id);
            (state.threads.len() - 1) as u32
        }
    }
}

fn snapshot(state: &State) -> Snapshot {
    let callers = state
        .threads
        .iter()
        .filter(|t| state.callers.contains(t))
        .count();
    Snapshot {
        in_flight: state.now,
        peak: state.peak,
        started: state.started,
        finished: state.finished,
        worker_threads: state.threads.len() - callers,
    }
}

/// Most per-thread spans that overlap at one instant.
fn overlap_peak(slots: &[Arc<Slot>]) -> usize {
    let mut edges: Vec<(u64, i32)> = Vec::new();
    for slot in slots {
        edges.push((slot.start_ns, 1));
        // A span that never moved is an instant; count it as running then.
        edges.push((slot.end_ns.load(Ordering::Relaxed).max(slot.start_ns), -1));
    }
    edges.sort_by_key(|&(at, delta)| (at, -delta));
    let (mut now, mut peak) = (0i32, 0i32);
    for (_, delta) in edges {
        now += delta;
        peak = peak.max(now);
    }
    peak as usize
}

/// Ends a task when dropped.
pub struct TaskGuard<'a> {
    owner: &'a Recorder,
    index: usize,
}

impl Drop for TaskGuard<'_> {
    fn drop(&mut self) {
        let end = self.owner.epoch.elapsed();
        let mut state = self.owner.lock();
        state.spans[self.index].end = Some(end);
        state.now -= 1;
        state.finished += 1;
        drop(state);
        self.owner.changed.notify_all();
    }
}

/// Sends a recorder's evidence when dropped.
pub struct EvidenceGuard {
    recorder: Arc<Recorder>,
    check: &'static str,
}

impl Drop for EvidenceGuard {
    fn drop(&mut self) {
        super::send_timeline(self.check, self.recorder.timeline());
    }
}

/// Evidence for checks that measure several tries (speedup rounds, latency
/// retries): holds the recorder of the latest try and sends its timeline
/// when dropped, however the check ends.
pub struct LatestEvidence {
    check: &'static str,
    current: Mutex<Arc<Recorder>>,
}

impl LatestEvidence {
    /// Starts with `first` (sent if no try ever replaces it).
    pub fn new(ctx: &Ctx, first: Arc<Recorder>) -> LatestEvidence {
        LatestEvidence {
            check: ctx.name(),
            current: Mutex::new(first),
        }
    }

    /// Makes `recorder` the one whose timeline is sent.
    pub fn set(&self, recorder: Arc<Recorder>) {
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = recorder;
    }

    /// The recorder whose timeline will be sent.
    pub fn current(&self) -> Arc<Recorder> {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for LatestEvidence {
    fn drop(&mut self) {
        super::send_timeline(self.check, self.current().timeline());
    }
}
