//! WRONG: the stages run one after another, not at the same time.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, TryRecvError, select};

pub fn pipeline<T, U, V, F, G>(inputs: Vec<T>, capacity: usize, first: F, second: G) -> Vec<V>
where
    T: Send + 'static,
    U: Send + 'static,
    V: Send + 'static,
    F: Fn(T) -> U + Send + 'static,
    G: Fn(U) -> V + Send + 'static,
{
    // Stage 1 over everything, then stage 2 over everything: right results,
    // but the stages never work at the same time (and everything is buffered).
    let middle: Vec<U> = inputs.into_iter().map(first).collect();
    middle.into_iter().map(second).collect()
}

pub fn fan_out_fan_in<T, R, F>(jobs: Vec<T>, worker_count: usize, work: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let count = jobs.len();
    let (job_tx, job_rx) = crossbeam_channel::unbounded::<(usize, T)>();
    let (result_tx, result_rx) = crossbeam_channel::unbounded::<(usize, R)>();
    let work = Arc::new(work);
    let workers: Vec<_> = (0..worker_count.max(1))
        .map(|_| {
            let (job_rx, result_tx, work) = (job_rx.clone(), result_tx.clone(), work.clone());
            thread::spawn(move || {
                for (index, job) in job_rx {
                    if result_tx.send((index, work(job))).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();
    // The workers hold their own clones: drop ours, or the results channel
    // never closes and the loop below never ends.
    drop(result_tx);
    for job in jobs.into_iter().enumerate() {
        job_tx.send(job).expect("the workers outlive the jobs");
    }
    drop(job_tx);

    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(count).collect();
    for (index, result) in result_rx {
        slots[index] = Some(result);
    }
    for worker in workers {
        worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    }
    slots
        .into_iter()
        .map(|slot| slot.expect("every job produces a result"))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    InputClosed,
    Cancelled,
    Idle,
}

pub fn forward_until<T>(
    input: &Receiver<T>,
    cancel: &Receiver<()>,
    output: &Sender<T>,
    idle: Duration,
) -> (Stop, usize) {
    let mut forwarded = 0;
    loop {
        // A fresh timeout on each turn: the idle time counts from the last message.
        select! {
            recv(cancel) -> _ => return (Stop::Cancelled, forwarded),
            recv(input) -> message => match message {
                Ok(message) => {
                    if output.send(message).is_err() {
                        return (Stop::Cancelled, forwarded);
                    }
                    forwarded += 1;
                }
                Err(_) => return (Stop::InputClosed, forwarded),
            },
            default(idle) => return (Stop::Idle, forwarded),
        }
    }
}

pub fn process_until_cancelled<T, R, F>(
    jobs: Receiver<T>,
    cancel: Receiver<()>,
    worker_count: usize,
    work: F,
) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let (result_tx, result_rx) = crossbeam_channel::unbounded::<R>();
    let work = Arc::new(work);
    let workers: Vec<_> = (0..worker_count.max(1))
        .map(|_| {
            let (jobs, cancel, result_tx, work) = (
                jobs.clone(),
                cancel.clone(),
                result_tx.clone(),
                work.clone(),
            );
            thread::spawn(move || {
                loop {
                    // Cancel first: `select!` picks at random among ready
                    // operations, so without this a worker could keep taking
                    // queued jobs after the cancel.
                    if cancelled(&cancel) {
                        break;
                    }
                    select! {
                        recv(cancel) -> _ => break,
                        recv(jobs) -> job => match job {
                            Ok(job) => {
                                if result_tx.send(work(job)).is_err() {
                                    break;
                                }
                            }
                            Err(_) => break,
                        },
                    }
                }
            })
        })
        .collect();
    drop(result_tx);
    // Drain until every worker dropped its Sender, that is until every worker
    // ended: results sent after the cancel are collected too.
    let results: Vec<R> = result_rx.iter().collect();
    for worker in workers {
        worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    }
    results
}

/// Whether `cancel` fired: a message is waiting, or the channel is closed.
fn cancelled(cancel: &Receiver<()>) -> bool {
    !matches!(cancel.try_recv(), Err(TryRecvError::Empty))
}
