//! The grader's one worker pool: jobs handed out in order to named worker
//! threads, results sent over a channel to the calling thread, which alone
//! owns the results and the terminal (rustlings' and nextest's habit: state
//! has one owner, workers only send messages).
//!
//! Running check processes, grading wrong answers and mutants in `verify`,
//! and grading submissions in `batch` all need exactly this; one pool keeps
//! them from drifting apart.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;

/// What the owner of the results wants after seeing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep handing out jobs.
    Continue,
    /// Hand out no more jobs; the ones running finish and are reported.
    Stop,
}

/// Runs `work(worker, index, item)` on every item with at most `workers`
/// threads named `{name}-N` (`worker` is that N: verify gives each worker
/// its own build slot), calling `on_result` on the calling thread as each
/// result lands (in completion order, with the item's index).
pub fn for_each<T, R>(
    items: &[T],
    workers: usize,
    name: &str,
    work: impl Fn(usize, usize, &T) -> R + Sync,
    on_result: &mut dyn FnMut(usize, R) -> Flow,
) where
    T: Sync,
    R: Send,
{
    if items.is_empty() {
        return;
    }
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    thread::scope(|scope| {
        for worker in 0..workers.max(1).min(items.len()) {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            thread::Builder::new()
                .name(format!("{name}-{worker}"))
                .spawn_scoped(scope, move || {
                    loop {
                        // Relaxed: the counter only hands out distinct
                        // indices; the items are shared read-only.
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break };
                        if tx.send((index, work(worker, index, item))).is_err() {
                            break;
                        }
                    }
                })
                .expect("failed to start a worker thread");
        }
        drop(tx);
        for (index, result) in rx {
            if on_result(index, result) == Flow::Stop {
                next.store(items.len(), Ordering::Relaxed);
            }
        }
    });
}

/// Runs `background` on a thread of its own while `foreground` runs on the
/// calling thread, and returns both results. `background` sends messages
/// through the function it is given; they reach `on_message` on the calling
/// thread once `foreground` has returned (which keeps the calling thread's
/// output in order), as they land. If `foreground` says [`Flow::Stop`], its
/// messages are dropped and every later send returns `Stop`, so `background`
/// can stop early. `verify` grades wrong answers this way beside the
/// solutions.
pub fn beside<M, B, F>(
    background: impl FnOnce(&mut dyn FnMut(M) -> Flow) -> B + Send,
    foreground: impl FnOnce() -> (F, Flow),
    on_message: &mut dyn FnMut(M),
) -> (F, B)
where
    M: Send,
    B: Send,
{
    let (tx, rx) = mpsc::channel::<M>();
    thread::scope(|scope| {
        let background = thread::Builder::new()
            .name("beside".to_string())
            .spawn_scoped(scope, move || {
                background(&mut |message| match tx.send(message) {
                    Ok(()) => Flow::Continue,
                    Err(_) => Flow::Stop,
                })
            })
            .expect("failed to start a thread");
        let (result, flow) = foreground();
        if flow == Flow::Stop {
            drop(rx);
        } else {
            for message in rx {
                on_message(message);
            }
        }
        let background = background
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (result, background)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each side waits to hear from the other: run one after the other,
    /// the first would give up after its timeout.
    #[test]
    fn beside_runs_both_sides_at_once_and_delivers_messages_after_the_foreground() {
        let patience = std::time::Duration::from_secs(10);
        let (to_background, from_foreground) = mpsc::channel();
        let (to_foreground, from_background) = mpsc::channel();
        let delivered = std::sync::Mutex::new(Vec::new());
        let foreground_done = std::sync::atomic::AtomicBool::new(false);
        let (heard_background, heard_foreground) = beside(
            move |send| {
                assert_eq!(send(1), Flow::Continue);
                let heard = from_foreground.recv_timeout(patience).is_ok();
                to_foreground.send(()).unwrap();
                assert_eq!(send(2), Flow::Continue);
                heard
            },
            || {
                to_background.send(()).unwrap();
                let heard = from_background.recv_timeout(patience).is_ok();
                // Nothing was delivered while the foreground ran.
                assert!(delivered.lock().unwrap().is_empty());
                foreground_done.store(true, Ordering::SeqCst);
                (heard, Flow::Continue)
            },
            &mut |message| {
                assert!(foreground_done.load(Ordering::SeqCst));
                delivered.lock().unwrap().push(message);
            },
        );
        assert!(heard_background && heard_foreground);
        assert_eq!(*delivered.lock().unwrap(), [1, 2]);
    }

    #[test]
    fn a_stopped_foreground_drops_the_messages_and_stops_the_background() {
        let ((), saw_stop) = beside(
            |send| {
                // Keep sending until told to stop, or give up after a while.
                let started = std::time::Instant::now();
                while started.elapsed() < std::time::Duration::from_secs(10) {
                    if send(1) == Flow::Stop {
                        return true;
                    }
                    thread::yield_now();
                }
                false
            },
            || ((), Flow::Stop),
            &mut |_: u32| panic!("a stopped foreground's messages are dropped"),
        );
        assert!(saw_stop, "the background never saw Stop");
    }

    #[test]
    fn every_item_is_worked_once_and_reported_to_the_caller() {
        let items: Vec<u32> = (0..50).collect();
        let mut seen = vec![0; items.len()];
        for_each(&items, 3, "test", |_, _, x| x * 2, &mut |index, doubled| {
            assert_eq!(doubled, items[index] * 2);
            seen[index] += 1;
            Flow::Continue
        });
        assert!(seen.iter().all(|&n| n == 1), "{seen:?}");
    }

    #[test]
    fn stop_hands_out_no_more_jobs() {
        use std::sync::atomic::AtomicBool;
        let items: Vec<u32> = (0..1000).collect();
        let stopped = AtomicBool::new(false);
        let mut reported = 0;
        for_each(
            &items,
            2,
            "test",
            |_, index, x| {
                // Every job but the first waits for the owner's Stop, so the
                // workers hold at most one job each when it comes.
                while index > 0 && !stopped.load(Ordering::SeqCst) {
                    std::thread::yield_now();
                }
                *x
            },
            &mut |_, _| {
                reported += 1;
                stopped.store(true, Ordering::SeqCst);
                Flow::Stop
            },
        );
        assert!(reported <= 3, "{reported} results after Stop");
    }
}
