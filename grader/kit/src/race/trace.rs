//! The interleaving of a failing execution, as evidence: the facade's
//! recorded steps ([`threadlings::instrument::trace`]) turned into the
//! report's [`Trace`], cut to the steps that lead to the failure, with the
//! step where it went wrong marked and one sentence saying what happened.
//!
//! Two failures are recognised from the steps alone. A **lost update**: a
//! thread reads a value (a critical section that only read, or an atomic
//! load), another thread then writes, and the first thread writes without
//! reading again (a later critical section that wrote, or a plain store):
//! its write is computed from the stale value and overwrites the other's. A
//! **deadlock**: each blocked thread's last request (a lock, a wait, a join)
//! is what it waits on. Anything else keeps the last steps. A trace of
//! hundreds of steps is cut around the steps that matter (the reads and
//! writes of the lost update, the blocked requests, the end) to at most
//! [`MAX_STEPS`] steps, keeping only the steps on the objects involved; what
//! is left out is counted where it was, so the report can say "… 12 steps
//! omitted" in its place.

use threadlings::instrument::LockKind;
use threadlings::instrument::trace::{self as facade, Mode, ObjectWhat, Op, Target};
use threadlings_schema::protocol::Message;
use threadlings_schema::report::{
    Trace, TraceCause, TraceExecution, TraceLockKind, TraceObject, TraceObjectWhat, TraceStep,
};

/// Most steps a report shows (a screenful, three or four columns wide).
pub const MAX_STEPS: usize = 24;

/// What the engine knows about how the execution failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// No thread could run.
    Deadlock,
    /// An invariant failed, or a thread panicked.
    Failed,
    /// Like [`Ending::Failed`], under a checker that models weak memory
    /// (loom): a load that returned an older value than the last store
    /// before it is worth naming.
    FailedUnderWeakMemory,
}

/// Sends the trace of the execution that just failed (what the facade
/// recorded) to the grader as the running check's evidence; nothing when
/// nothing was recorded.
pub fn send(check: &str, execution: TraceExecution, ending: Ending) {
    let raw = facade::try_current().unwrap_or_default();
    if let Some(trace) = evidence(&raw, execution, ending) {
        crate::channel::send(Message::Trace {
            check: check.to_string(),
            trace,
        });
    }
}

/// The report's trace of `raw`, the execution `execution` of its check;
/// `None` when it has no steps. Its `label`, `summary` and objects'
/// `detail` are the English renderings of its data (the schema's
/// `to_english`), as the JSON has always had them.
pub fn evidence(raw: &facade::Trace, execution: TraceExecution, ending: Ending) -> Option<Trace> {
    if raw.steps.is_empty() {
        return None;
    }
    let found = match ending {
        Ending::Deadlock => blocked_requests(raw),
        Ending::Failed => lost_update(raw).unwrap_or_else(|| last_step(raw)),
        Ending::FailedUnderWeakMemory => lost_update(raw)
            .or_else(|| stale_read(raw))
            .unwrap_or_else(|| last_step(raw)),
    };
    Some(cut(raw, execution, &found))
}

/// What was recognised: the cause, the steps that matter (`marked` among
/// them), and the objects whose steps are kept (`None`: every step).
#[derive(Debug, Clone, PartialEq)]
struct Found {
    cause: TraceCause,
    marked: Vec<usize>,
    important: Vec<usize>,
    objects: Option<Vec<usize>>,
}

/// Nothing recognised: the end of the execution, or, when a check
/// announced the operations it called (a linearizability check) and they
/// fit, every call and return with the steps around them.
fn last_step(raw: &facade::Trace) -> Found {
    let last = raw.steps.len() - 1;
    let calls: Vec<usize> = (0..raw.steps.len())
        .filter(|&i| matches!(raw.steps[i].op, Op::Call | Op::Return))
        .collect();
    let important = if !calls.is_empty() && calls.len() <= MAX_STEPS {
        calls
    } else {
        vec![last]
    };
    Found {
        cause: TraceCause::Failed,
        marked: Vec::new(),
        important,
        objects: None,
    }
}

/// One read or write of an object, as the lost-update search sees it.
#[derive(Debug, Clone, Copy)]
struct Access {
    step: usize,
    thread: usize,
    /// The value read (a critical section's value on entry, a load).
    read: Option<facade::Value>,
    /// The value written (a critical section that wrote, a store).
    wrote: Option<facade::Value>,
    /// A read-modify-write: it writes from what it reads in the same
    /// indivisible step, so its write is never computed from a stale read.
    /// (A critical section may be, by a value the thread read in an
    /// earlier one: the facade cannot see which reads it used.)
    rmw: bool,
}

/// Every object's accesses, in order: a critical section is one access
/// (from its acquisition to its release), an atomic operation another.
fn accesses(raw: &facade::Trace) -> Vec<(usize, Vec<Access>)> {
    let mut by_object: Vec<(usize, Vec<Access>)> = Vec::new();
    // Per (thread, object): the index of its open critical section's access.
    let mut open: Vec<((usize, usize), usize)> = Vec::new();
    for (step, s) in raw.steps.iter().enumerate() {
        let Target::Object(object) = s.target else {
            continue;
        };
        let at = match by_object.iter().position(|(o, _)| *o == object) {
            Some(at) => at,
            None => {
                by_object.push((object, Vec::new()));
                by_object.len() - 1
            }
        };
        let list = &mut by_object[at].1;
        let access = |read, wrote, rmw| Access {
            step,
            thread: s.thread,
            read,
            wrote,
            rmw,
        };
        match s.op {
            Op::Locked { seen, mode, .. } if mode != Mode::Read || seen.is_some() => {
                open.retain(|(key, _)| *key != (s.thread, object));
                open.push(((s.thread, object), list.len()));
                list.push(access(seen, None, false));
            }
            Op::Unlock { wrote, .. } => {
                if let Some(pos) = open.iter().position(|(key, _)| *key == (s.thread, object)) {
                    let (_, index) = open.swap_remove(pos);
                    if let Some(value) = wrote {
                        list[index].wrote = Some(value);
                        // The write happens at the release: that is the
                        // step a report marks.
                        list[index].step = step;
                    }
                }
            }
            Op::Load { value } => list.push(access(Some(value), None, false)),
            Op::Store { value } => list.push(access(None, Some(value), false)),
            Op::Rmw { read, wrote, .. } => list.push(access(Some(read), Some(wrote), true)),
            Op::CasFailed { read, .. } => list.push(access(Some(read), None, false)),
            _ => {}
        }
    }
    by_object
}

/// The clearest lost update of the execution (a thread's write computed
/// from a value it read before another thread's write, see the module
/// docs): the one with the fewest steps from the stale read to the
/// overwriting write, the earliest of those. A stress round loses many
/// updates; the tightest one is the easiest to read.
fn lost_update(raw: &facade::Trace) -> Option<Found> {
    let mut best: Option<(usize, Found)> = None;
    for (object, list) in accesses(raw) {
        for (j, write) in list.iter().enumerate() {
            let Some(stored) = write.wrote.filter(|_| !write.rmw) else {
                continue;
            };
            // The writer's previous access to the object: a pure read.
            let Some(i) = list[..j].iter().rposition(|a| a.thread == write.thread) else {
                continue;
            };
            let read = &list[i];
            let (Some(value_read), None) = (read.read, read.wrote) else {
                continue;
            };
            // A critical section reads what it finds on entry: a write
            // inside one is stale only if another thread wrote after the
            // earlier read (then it found that thread's value, and may
            // have used the old one anyway). The last such write is the
            // one overwritten.
            let after = list[i + 1..j]
                .iter()
                .rev()
                .find(|a| a.thread != write.thread && a.wrote.is_some());
            // Under loom a load may return an older value than the last
            // store (nothing ordered that store before it): the read was
            // stale when it was made.
            let stale = || {
                list[..i]
                    .iter()
                    .rev()
                    .find(|a| a.wrote.is_some())
                    .filter(|a| a.thread != write.thread && a.wrote != Some(value_read))
            };
            let (other, stale_read) = match after {
                Some(other) => (other, false),
                None => match stale() {
                    Some(other) => (other, true),
                    None => continue,
                },
            };
            let overwritten = other.wrote.unwrap_or(value_read);
            let label = raw.objects[object].label.clone();
            let span = write.step - read.step;
            if best.as_ref().is_some_and(|(best_span, found)| {
                (*best_span, found.marked[0]) <= (span, write.step)
            }) {
                continue;
            }
            best = Some((
                span,
                Found {
                    cause: TraceCause::LostUpdate {
                        object: label,
                        reader: raw.threads[write.thread].clone(),
                        read: value_read.to_string(),
                        writer: raw.threads[other.thread].clone(),
                        overwritten: overwritten.to_string(),
                        stored: stored.to_string(),
                        stale_read,
                    },
                    marked: vec![write.step],
                    important: vec![
                        read.step.min(other.step),
                        read.step.max(other.step),
                        write.step,
                        raw.steps.len() - 1,
                    ],
                    objects: Some(vec![object]),
                },
            ));
        }
    }
    best.map(|(_, found)| found)
}

/// The first load that returned another value than the last store before
/// it in the execution, by another thread: under loom, the load was not
/// ordered after that store (a `Relaxed` flag publishes nothing), so it
/// could return an older value, and did.
fn stale_read(raw: &facade::Trace) -> Option<Found> {
    let mut first: Option<(usize, Found)> = None;
    for (object, list) in accesses(raw) {
        for (i, load) in list.iter().enumerate() {
            let (Op::Load { value }, Some(_)) = (raw.steps[load.step].op, load.read) else {
                continue;
            };
            let Some(store) = list[..i].iter().rev().find(|a| a.wrote.is_some()) else {
                continue;
            };
            let stored = store.wrote.unwrap_or(value);
            if store.thread == load.thread || stored == value {
                continue;
            }
            if first.as_ref().is_some_and(|(step, _)| *step <= load.step) {
                break;
            }
            let label = raw.objects[object].label.clone();
            first = Some((
                load.step,
                Found {
                    cause: TraceCause::StaleRead {
                        object: label,
                        reader: raw.threads[load.thread].clone(),
                        read: value.to_string(),
                        writer: raw.threads[store.thread].clone(),
                        stored: stored.to_string(),
                    },
                    marked: vec![load.step],
                    important: vec![store.step, load.step, raw.steps.len() - 1],
                    objects: None,
                },
            ));
            break;
        }
    }
    first.map(|(_, found)| found)
}

/// Each thread whose last step is a request it never saw through (a lock
/// it did not get, a wait, a barrier) is blocked there. A thread blocked
/// joining another is marked only when no thread is blocked on anything
/// else: the scenario's main thread joining a philosopher is not part of
/// the cycle.
fn blocked_requests(raw: &facade::Trace) -> Found {
    let last_steps: Vec<usize> = (0..raw.threads.len())
        .filter_map(|thread| raw.steps.iter().rposition(|s| s.thread == thread))
        .collect();
    let waiting = |joins: bool| -> Vec<usize> {
        last_steps
            .iter()
            .copied()
            .filter(|&last| match raw.steps[last].op {
                Op::Lock { .. } | Op::Wait | Op::BarrierWait => true,
                Op::Join => joins,
                _ => false,
            })
            .collect()
    };
    let mut marked = waiting(false);
    if marked.is_empty() {
        marked = waiting(true);
    }
    marked.sort_unstable();
    let mut objects: Vec<usize> = marked
        .iter()
        .filter_map(|&m| match raw.steps[m].target {
            Target::Object(object) => Some(object),
            _ => None,
        })
        .collect();
    if marked.is_empty() {
        return last_step(raw);
    }
    // The locks the blocked threads hold matter too: another waits for them.
    for &m in &marked {
        let thread = raw.steps[m].thread;
        for (at, s) in raw.steps[..m].iter().enumerate() {
            if let (Op::Locked { .. }, Target::Object(object)) = (s.op, s.target) {
                let released = raw.steps[at + 1..m].iter().any(|later| {
                    later.thread == thread
                        && later.target == s.target
                        && matches!(later.op, Op::Unlock { .. })
                });
                if s.thread == thread && !released && !objects.contains(&object) {
                    objects.push(object);
                }
            }
        }
    }
    let mut blocked: Vec<usize> = marked.iter().map(|&m| raw.steps[m].thread).collect();
    blocked.sort_unstable();
    let threads: Vec<String> = blocked.iter().map(|&t| raw.threads[t].clone()).collect();
    if let Some(found) = lost_wakeup(raw, &marked, &threads, &objects) {
        return found;
    }
    Found {
        cause: TraceCause::Deadlock {
            threads: threads.clone(),
        },
        important: marked.clone(),
        marked,
        objects: Some(objects),
    }
}

/// Every blocked thread waits on one condition variable, and no notify on
/// it came after the first of them started waiting: nothing is left to
/// wake them. The last notify before (if any) is the one that came too
/// early, or went to another waiter.
fn lost_wakeup(
    raw: &facade::Trace,
    marked: &[usize],
    threads: &[String],
    objects: &[usize],
) -> Option<Found> {
    let first = *marked.first()?;
    let condvar = raw.steps[first].target;
    let all_wait = marked
        .iter()
        .all(|&m| raw.steps[m].op == Op::Wait && raw.steps[m].target == condvar);
    let Target::Object(object) = condvar else {
        return None;
    };
    if !all_wait {
        return None;
    }
    let notify = |s: &facade::Step| matches!(s.op, Op::Notify { .. }) && s.target == condvar;
    if raw.steps[first..].iter().any(notify) {
        return None;
    }
    let last_notify = raw.steps[..first].iter().rposition(notify);
    let label = raw.objects[object].label.clone();
    let notifier = last_notify.map(|n| raw.threads[raw.steps[n].thread].clone());
    let mut important = marked.to_vec();
    important.extend(last_notify);
    important.sort_unstable();
    Some(Found {
        cause: TraceCause::LostWakeup {
            condvar: label,
            waiters: threads.to_vec(),
            last_notify: notifier,
        },
        marked: marked.to_vec(),
        important,
        objects: Some(objects.to_vec()),
    })
}

/// Keeps the steps that matter, at most [`MAX_STEPS`]: the steps on the
/// objects involved (and spawns and joins), nearest the important steps
/// first; the rest is counted as omitted where it was.
fn cut(raw: &facade::Trace, execution: TraceExecution, found: &Found) -> Trace {
    let relevant: Vec<usize> = (0..raw.steps.len())
        .filter(|&i| {
            let s = &raw.steps[i];
            found.important.contains(&i)
                || match (&found.objects, s.target) {
                    (None, _) | (_, Target::Thread(_) | Target::Call(_)) => true,
                    (Some(objects), Target::Object(o)) => objects.contains(&o),
                    (Some(_), Target::None) => false,
                }
        })
        .collect();
    let anchors: Vec<usize> = found
        .important
        .iter()
        .filter_map(|i| relevant.iter().position(|r| r == i))
        .collect();
    let distance = |pos: usize| {
        anchors
            .iter()
            .map(|&a| a.abs_diff(pos))
            .min()
            .unwrap_or(usize::MAX)
    };
    // The widest radius around the important steps that fits.
    let mut radius = relevant.len();
    while radius > 0
        && (0..relevant.len())
            .filter(|&pos| distance(pos) <= radius)
            .count()
            > MAX_STEPS
    {
        radius -= 1;
    }
    let kept: Vec<usize> = (0..relevant.len())
        .filter(|&pos| distance(pos) <= radius)
        .map(|pos| relevant[pos])
        .collect();

    // Threads and objects in order of their first kept step.
    let mut threads: Vec<usize> = Vec::new();
    let mut objects: Vec<usize> = Vec::new();
    for &i in &kept {
        let s = &raw.steps[i];
        for t in [Some(s.thread), thread_target(s.target)]
            .into_iter()
            .flatten()
        {
            if !threads.contains(&t) && t != usize::MAX {
                threads.push(t);
            }
        }
        if let Target::Object(o) = s.target
            && !objects.contains(&o)
        {
            objects.push(o);
        }
    }
    // Columns: only the threads that did a kept step (a spawned thread
    // that did nothing kept is named by the spawn step), in the order the
    // threads first appeared in the execution (main, then spawn order).
    threads.retain(|t| kept.iter().any(|&i| raw.steps[i].thread == *t));
    threads.sort_unstable();
    objects.sort_by(|a, b| raw.objects[*a].label.cmp(&raw.objects[*b].label));

    let mut steps = Vec::with_capacity(kept.len());
    let mut previous: Option<usize> = None;
    let dropped = u32::try_from(raw.dropped).unwrap_or(u32::MAX);
    let mut omitted = 0_u32;
    for &i in &kept {
        let gap = match previous {
            None => (i as u32).saturating_add(dropped),
            Some(p) => (i - p - 1) as u32,
        };
        omitted = omitted.saturating_add(gap);
        previous = Some(i);
        let s = &raw.steps[i];
        let (op, read, wrote) = describe(&s.op);
        let object = match s.target {
            Target::Object(o) => raw.objects[o].label.clone(),
            Target::Thread(t) => raw.threads[t].clone(),
            Target::Call(c) => raw.calls.get(c).map(|c| c.op.clone()).unwrap_or_default(),
            Target::None => String::new(),
        };
        let result = match (s.op, s.target) {
            (Op::Return, Target::Call(c)) => raw.calls.get(c).and_then(|c| c.result.clone()),
            _ => None,
        };
        steps.push(TraceStep {
            thread: threads.iter().position(|&t| t == s.thread).unwrap_or(0) as u32,
            op,
            object,
            read: read.map(|v| v.to_string()),
            wrote: wrote.map(|v| v.to_string()),
            result,
            mark: found.marked.contains(&i),
            omitted_before: gap,
        });
    }
    if let Some(last) = previous {
        omitted = omitted.saturating_add((raw.steps.len() - 1 - last) as u32);
    }
    Trace {
        label: execution.to_english(),
        execution: Some(execution),
        threads: threads.iter().map(|&t| raw.threads[t].clone()).collect(),
        objects: objects
            .iter()
            .map(|&o| {
                let what = raw.objects[o].what.as_ref().map(object_what);
                TraceObject {
                    label: raw.objects[o].label.clone(),
                    detail: what
                        .as_ref()
                        .map(TraceObjectWhat::to_english)
                        .unwrap_or_default(),
                    what,
                }
            })
            .collect(),
        steps,
        summary: found.cause.to_english(),
        cause: Some(found.cause.clone()),
        omitted,
    }
}

/// What the facade knows of an object, as the report's data.
fn object_what(what: &ObjectWhat) -> TraceObjectWhat {
    match what {
        ObjectWhat::Lock {
            kind,
            type_name,
            created_at,
        } => TraceObjectWhat::Lock {
            lock: match kind {
                LockKind::Mutex => TraceLockKind::Mutex,
                LockKind::RwLock => TraceLockKind::Rwlock,
                LockKind::Condvar => TraceLockKind::Condvar,
                LockKind::Barrier => TraceLockKind::Barrier,
            },
            protects: (!type_name.is_empty()).then(|| type_name.clone()),
            created_at: created_at.clone(),
        },
        ObjectWhat::Atomic { type_name } => TraceObjectWhat::Atomic {
            type_name: type_name.clone(),
        },
    }
}

fn thread_target(target: Target) -> Option<usize> {
    match target {
        Target::Thread(t) => Some(t),
        _ => None,
    }
}

/// A step's operation word, and the values it read and wrote.
fn describe(op: &Op) -> (String, Option<facade::Value>, Option<facade::Value>) {
    let lock = |mode: Mode, word: &str| match mode {
        Mode::Mutex => word.to_string(),
        Mode::Read => format!("read {word}"),
        Mode::Write => format!("write {word}"),
    };
    match *op {
        Op::Lock { mode } => (lock(mode, "lock"), None, None),
        Op::Locked {
            mode, seen, waited, ..
        } => (
            lock(mode, if waited { "locked" } else { "lock" }),
            seen,
            None,
        ),
        Op::TryLockFailed { mode } => (lock(mode, "try_lock failed"), None, None),
        Op::Unlock { mode, wrote } => (lock(mode, "unlock"), None, wrote),
        Op::Wait => ("wait".to_string(), None, None),
        Op::Woken => ("woken".to_string(), None, None),
        Op::Notify { all } => (
            if all { "notify_all" } else { "notify_one" }.to_string(),
            None,
            None,
        ),
        Op::BarrierWait => ("barrier wait".to_string(), None, None),
        Op::Spawn => ("spawn".to_string(), None, None),
        Op::Join => ("join".to_string(), None, None),
        Op::Call => ("call".to_string(), None, None),
        Op::Return => ("return".to_string(), None, None),
        Op::Load { value } => ("load".to_string(), Some(value), None),
        Op::Store { value } => ("store".to_string(), None, Some(value)),
        Op::Rmw { name, read, wrote } => (name.to_string(), Some(read), Some(wrote)),
        Op::CasFailed { name, read } => (format!("{name} failed"), Some(read), None),
    }
}

#[cfg(test)]
mod tests {
    use threadlings::instrument::trace::{Object, Step, Trace as Raw, Value};

    use super::*;

    /// The execution every test's trace is labelled with.
    const X: TraceExecution = TraceExecution::Model { execution: 2 };

    fn locked(thread: usize, seen: u64) -> Step {
        Step {
            thread,
            op: Op::Locked {
                mode: Mode::Mutex,
                seen: Some(Value::UInt(u128::from(seen))),
                waited: false,
            },
            target: Target::Object(0),
        }
    }

    fn unlock(thread: usize, wrote: Option<u64>) -> Step {
        Step {
            thread,
            op: Op::Unlock {
                mode: Mode::Mutex,
                wrote: wrote.map(|v| Value::UInt(u128::from(v))),
            },
            target: Target::Object(0),
        }
    }

    fn raw(steps: Vec<Step>) -> Raw {
        Raw {
            threads: vec!["main".to_string(), "adder".to_string()],
            objects: vec![Object {
                label: "mutex #1".to_string(),
                what: Some(ObjectWhat::Lock {
                    kind: LockKind::Mutex,
                    type_name: "u64".to_string(),
                    created_at: "src/lib.rs:1:1".to_string(),
                }),
            }],
            steps,
            calls: Vec::new(),
            dropped: 0,
        }
    }

    /// The loom counter model's failing execution with the read and the
    /// write of `add` in two critical sections.
    fn split_add() -> Raw {
        raw(vec![
            locked(0, 0),
            unlock(0, None),
            locked(1, 0),
            unlock(1, None),
            locked(0, 0),
            unlock(0, Some(1)),
            locked(1, 1),
            unlock(1, Some(1)),
        ])
    }

    #[test]
    fn a_write_from_a_stale_read_is_a_lost_update() {
        let trace = evidence(&split_add(), X, Ending::Failed).unwrap();
        assert_eq!(
            trace.cause,
            Some(TraceCause::LostUpdate {
                object: "mutex #1".to_string(),
                reader: "adder".to_string(),
                read: "0".to_string(),
                writer: "main".to_string(),
                overwritten: "1".to_string(),
                stored: "1".to_string(),
                stale_read: false,
            })
        );
        assert_eq!(
            trace.summary,
            "thread adder read 0 from mutex #1, then thread main stored 1; adder's store of 1 \
             overwrote main's store of 1 without reading it: one update was lost."
        );
        let marked: Vec<usize> = (0..trace.steps.len())
            .filter(|&i| trace.steps[i].mark)
            .collect();
        assert_eq!(marked, vec![7]);
        assert_eq!(trace.steps[7].op, "unlock");
        assert_eq!(trace.steps[7].wrote.as_deref(), Some("1"));
        assert_eq!(trace.steps[2].read.as_deref(), Some("0"));
        assert_eq!(trace.threads, vec!["main", "adder"]);
        assert_eq!(trace.omitted, 0);
        // The English the JSON has always had, rendered from the data.
        assert_eq!(trace.label, "loom execution 2");
        assert_eq!(trace.execution, Some(X));
        assert_eq!(
            trace.objects[0].detail,
            "mutex protecting u64, created at src/lib.rs:1:1"
        );
        assert_eq!(
            trace.objects[0].what,
            Some(TraceObjectWhat::Lock {
                lock: TraceLockKind::Mutex,
                protects: Some("u64".to_string()),
                created_at: "src/lib.rs:1:1".to_string(),
            })
        );
    }

    #[test]
    fn one_critical_section_per_addition_is_no_lost_update() {
        let correct = raw(vec![
            locked(0, 0),
            unlock(0, Some(1)),
            locked(1, 1),
            unlock(1, Some(2)),
            locked(0, 2),
            unlock(0, None),
        ]);
        let trace = evidence(&correct, X, Ending::Failed).unwrap();
        assert_eq!(trace.cause, Some(TraceCause::Failed));
        assert!(trace.steps.iter().all(|s| !s.mark));
    }

    #[test]
    fn an_atomic_load_then_store_loses_the_other_store() {
        let atomic = |thread, op| Step {
            thread,
            op,
            target: Target::Object(0),
        };
        let v = |v: u128| Value::UInt(v);
        let trace = evidence(
            &raw(vec![
                atomic(0, Op::Load { value: v(5) }),
                atomic(
                    1,
                    Op::Rmw {
                        name: "fetch_add",
                        read: v(5),
                        wrote: v(6),
                    },
                ),
                atomic(0, Op::Store { value: v(6) }),
            ]),
            X,
            Ending::Failed,
        )
        .unwrap();
        assert!(
            matches!(&trace.cause, Some(TraceCause::LostUpdate { read, overwritten, stored, .. })
                if read == "5" && overwritten == "6" && stored == "6"),
            "{trace:?}"
        );
        assert!(trace.steps[2].mark);
    }

    #[test]
    fn a_stale_load_then_store_under_loom_is_a_lost_update() {
        // main stores 1; the other thread's Relaxed load still returns 0,
        // and its store of 1 overwrites main's.
        let atomic = |thread, op| Step {
            thread,
            op,
            target: Target::Object(0),
        };
        let v = |v: u128| Value::UInt(v);
        let trace = evidence(
            &raw(vec![
                atomic(0, Op::Load { value: v(0) }),
                atomic(0, Op::Store { value: v(1) }),
                atomic(1, Op::Load { value: v(0) }),
                atomic(1, Op::Store { value: v(1) }),
            ]),
            X,
            Ending::Failed,
        )
        .unwrap();
        assert!(
            matches!(&trace.cause, Some(TraceCause::LostUpdate { reader, stale_read: true, .. })
                if reader == "adder"),
            "{trace:?}"
        );
        assert!(
            trace.summary.contains("although thread main had stored 1"),
            "{}",
            trace.summary
        );
        assert!(trace.steps[3].mark);
    }

    #[test]
    fn a_relaxed_flag_under_loom_shows_the_stale_load() {
        let v = |v: u128| Value::UInt(v);
        let on = |thread, object, op| Step {
            thread,
            op,
            target: Target::Object(object),
        };
        let mut mailbox = raw(vec![
            on(1, 0, Op::Store { value: v(1) }),
            on(1, 1, Op::Store { value: v(1) }),
            on(0, 1, Op::Load { value: v(1) }),
            on(0, 0, Op::Load { value: v(0) }),
        ]);
        mailbox.objects.push(Object {
            label: "atomic #2".to_string(),
            what: Some(ObjectWhat::Atomic {
                type_name: "AtomicBool".to_string(),
            }),
        });
        mailbox.objects[0].label = "atomic #1".to_string();
        let trace = evidence(&mailbox, X, Ending::FailedUnderWeakMemory).unwrap();
        assert!(
            matches!(&trace.cause, Some(TraceCause::StaleRead { reader, read, stored, .. })
                if reader == "main" && read == "0" && stored == "1"),
            "{trace:?}"
        );
        assert!(trace.steps[3].mark);
        // Without weak memory the same steps are only the last steps.
        let plain = evidence(&mailbox, X, Ending::Failed).unwrap();
        assert_eq!(plain.cause, Some(TraceCause::Failed));
    }

    #[test]
    fn a_long_trace_is_cut_around_the_lost_update_and_counts_what_it_left_out() {
        // 100 correct additions by main, then the lost update, then 100
        // more: the report keeps at most MAX_STEPS steps around it.
        let mut steps = Vec::new();
        let mut value = 0;
        for _ in 0..100 {
            steps.push(locked(0, value));
            value += 1;
            steps.push(unlock(0, Some(value)));
        }
        steps.extend([
            locked(1, value),
            unlock(1, None),
            locked(0, value),
            unlock(0, Some(value + 1)),
            locked(1, value + 1),
            unlock(1, Some(value + 1)),
        ]);
        value += 1;
        for _ in 0..100 {
            steps.push(locked(0, value));
            value += 1;
            steps.push(unlock(0, Some(value)));
        }
        let total = steps.len();
        let trace = evidence(&raw(steps), X, Ending::Failed).unwrap();
        assert!(trace.steps.len() <= MAX_STEPS, "{}", trace.steps.len());
        assert_eq!(
            trace.omitted as usize + trace.steps.len(),
            total,
            "every step is either shown or counted"
        );
        let gaps: u32 = trace.steps.iter().map(|s| s.omitted_before).sum();
        assert!(gaps > 0 && gaps <= trace.omitted);
        let mark = trace.steps.iter().position(|s| s.mark).expect("marked");
        assert_eq!(trace.steps[mark].wrote.as_deref(), Some("101"));
        // The stale read is kept.
        assert!(
            trace
                .steps
                .iter()
                .any(|s| s.read.as_deref() == Some("100") && s.thread == 1)
        );
    }

    #[test]
    fn a_deadlock_marks_each_blocked_request() {
        let two = Raw {
            threads: vec!["philosopher-0".to_string(), "philosopher-1".to_string()],
            objects: vec![
                Object {
                    label: "fork-0".to_string(),
                    what: None,
                },
                Object {
                    label: "fork-1".to_string(),
                    what: None,
                },
            ],
            steps: vec![
                Step {
                    thread: 0,
                    op: Op::Locked {
                        mode: Mode::Mutex,
                        seen: None,
                        waited: false,
                    },
                    target: Target::Object(0),
                },
                Step {
                    thread: 1,
                    op: Op::Locked {
                        mode: Mode::Mutex,
                        seen: None,
                        waited: false,
                    },
                    target: Target::Object(1),
                },
                Step {
                    thread: 0,
                    op: Op::Lock { mode: Mode::Mutex },
                    target: Target::Object(1),
                },
                Step {
                    thread: 1,
                    op: Op::Lock { mode: Mode::Mutex },
                    target: Target::Object(0),
                },
            ],
            calls: Vec::new(),
            dropped: 0,
        };
        let trace = evidence(&two, X, Ending::Deadlock).unwrap();
        let marked: Vec<(u32, &str)> = trace
            .steps
            .iter()
            .filter(|s| s.mark)
            .map(|s| (s.thread, s.object.as_str()))
            .collect();
        assert_eq!(marked, vec![(0, "fork-1"), (1, "fork-0")]);
        assert!(matches!(trace.cause, Some(TraceCause::Deadlock { .. })));
    }

    #[test]
    fn a_wait_after_the_last_notify_is_a_lost_wakeup() {
        let on = |thread, op| Step {
            thread,
            op,
            target: Target::Object(0),
        };
        let mut lost = raw(vec![
            on(0, Op::Notify { all: false }),
            on(1, Op::Woken),
            on(1, Op::Wait),
        ]);
        lost.objects[0].label = "condvar #1".to_string();
        let trace = evidence(&lost, X, Ending::Deadlock).unwrap();
        assert_eq!(
            trace.cause,
            Some(TraceCause::LostWakeup {
                condvar: "condvar #1".to_string(),
                waiters: vec!["adder".to_string()],
                last_notify: Some("main".to_string()),
            })
        );
        assert!(trace.steps[2].mark);
        assert!(
            trace.summary.ends_with("a lost wake-up."),
            "{}",
            trace.summary
        );
    }

    #[test]
    fn nothing_recorded_is_no_evidence() {
        assert_eq!(evidence(&Raw::default(), X, Ending::Failed), None);
    }
}
