//! Exercise 13: inter-process communication. Read README.md first.
#![allow(unused)]

use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::{Child, ExitStatus};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use threadlings::sync::mpsc;
use threadlings::thread::JoinHandle;

/// Given: a task the pool sends to a worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: u64,
    pub input: String,
}

/// Given: a worker's answer to the task with the same `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub id: u64,
    pub output: String,
}

// ------------------------------------------------------------ 1. framing

/// Task 1a: write `message` to `out` as one complete frame.
///
/// Choose the framing: JSON lines (`serde_json`, one message per line,
/// newline-terminated) or length-prefixed (a 4-byte big-endian length, then
/// the JSON bytes). Any string must survive the trip, newlines included. No
/// need to flush: whoever needs the frame delivered now calls `flush`.
pub fn write_message<T: Serialize>(out: &mut impl Write, message: &T) -> io::Result<()> {
    todo!()
}

/// Task 1b: read the next frame written by `write_message`.
///
/// `Ok(None)` when the stream ends cleanly *between* two frames. A stream
/// that ends inside a frame (also a JSON line without its newline, or a cut
/// length prefix) is an error, and so is a frame that does not decode. Read
/// exactly one frame: never consume bytes of the next one.
pub fn read_message<T: DeserializeOwned>(input: &mut impl BufRead) -> io::Result<Option<T>> {
    todo!()
}

// ------------------------------------------------------------ 2. the worker loop

/// Task 2: the worker's side. Read tasks from `input` one at a time, answer
/// each with `Answer { id: task.id, output: handle(&task.input) }` on
/// `output`, until `input` ends cleanly; then return `Ok(())`.
///
/// The pool sends the next task only after it got the answer to the previous
/// one, so each answer must be on its way (flushed) before you read the next
/// task, and you must not try to read a task before you answered the last.
pub fn serve(
    input: impl BufRead,
    output: impl Write,
    handle: impl FnMut(&str) -> String,
) -> io::Result<()> {
    todo!()
}

// ------------------------------------------------------------ 3. the pipe deadlock

/// Task 3: start `program <args...>`, feed it `input` on its stdin, return
/// everything it printed on stdout, and wait for it.
///
/// The child writes while it reads (a filter, like `tr` or `gzip`), and
/// `input` may be megabytes: pipes hold 64 KiB. Close its stdin when all input
/// is written (that is how it knows the input ended). A child that exits
/// unsuccessfully is an error.
pub fn filter_through(program: &Path, args: &[&str], input: &[u8]) -> io::Result<Vec<u8>> {
    todo!()
}

// ------------------------------------------------------------ 4. shutdown

/// How a worker ended at shutdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shutdown {
    /// It exited by itself once its stdin was closed, within the grace period.
    Exited(ExitStatus),
    /// It was still running when the grace period ended: killed, then reaped.
    Killed,
}

/// Task 4: stop `workers` (started with a piped stdin) politely, then firmly.
///
/// Close every worker's stdin (a worker exits when its input ends), give them
/// all together `grace` to exit, then kill the ones still running. Every
/// worker is reaped (waited for) before you return. One entry per worker, in
/// order.
pub fn shutdown(workers: Vec<Child>, grace: Duration) -> io::Result<Vec<Shutdown>> {
    todo!()
}

// ------------------------------------------------------------ 5. the pool

/// Given: how to run a pool.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// How many worker processes run at once.
    pub workers: usize,
    /// A worker that has not answered a task within this time is killed.
    pub task_deadline: Duration,
    /// How many times a task is tried in all before it is given up (>= 1).
    pub max_attempts: u32,
    /// At the end, how long workers get to exit after their stdin closed.
    pub grace: Duration,
}

/// Given: why a task was given up (what happened on its last attempt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskError {
    /// The worker died before answering.
    Crashed,
    /// The worker did not answer within the deadline, and was killed.
    TimedOut,
}

/// Given: what the pool did.
#[derive(Debug)]
pub struct PoolReport {
    /// One result per input, in input order.
    pub results: Vec<Result<String, TaskError>>,
    /// How many attempts each task took (1 when the first one succeeded).
    pub attempts: Vec<u32>,
    /// Worker processes started in all: the first `workers`, plus one
    /// replacement for every worker that crashed or was killed.
    pub workers_started: usize,
}

/// Given: a running worker of the pool, the child and the thread reading its
/// answers.
pub struct PoolWorker {
    /// The worker process, stdin piped (its stdout belongs to `reader`).
    pub child: Child,
    /// `Some(answer)` for every answer the worker wrote, then `None` once its
    /// stdout ended (it died) or it sent something that is not an answer.
    pub answers: mpsc::Receiver<Option<Answer>>,
    /// The thread that reads the worker's stdout into `answers`.
    pub reader: JoinHandle<()>,
}

/// Task 5a: start one worker `program <args...>` with stdin and stdout piped,
/// and a thread that reads its answers (with `read_message`) into a channel:
/// `Some(answer)` for each one, then one `None` when its stdout ends or holds
/// something that is not an answer.
pub fn start_worker(program: &Path, args: &[&str]) -> io::Result<PoolWorker> {
    todo!()
}

/// Task 5b: send `task` to `worker` (flushed) and wait at most `deadline` for
/// its answer. A worker whose pipe is closed, whose stdout ended or who
/// answered another task has `Crashed`; one that stays silent has `TimedOut`.
pub fn ask(worker: &mut PoolWorker, task: &Task, deadline: Duration) -> Result<String, TaskError> {
    todo!()
}

/// Task 5c: retire a worker that was lost (dead or stuck): kill it (harmless
/// if it already died), reap it, close its stdin and join its reader thread.
/// Nothing of it may be left behind: no zombie, no open pipe, no thread.
pub fn discard(worker: PoolWorker) {
    todo!()
}

/// Task 5d: `multiprocessing.Pool.map`, with processes you manage yourself.
///
/// Start `config.workers` workers (`program <args...>`, stdin and stdout
/// piped), send each task as `Task { id, input }` (the id is the input's
/// index) with your framing, and read `Answer`s back. A worker has at most one
/// task at a time; every worker gets a new task as soon as it answered, so no
/// worker idles while tasks wait. Results come back in input order.
///
/// A worker that dies before answering (its stdout ends) or does not answer
/// within `task_deadline` (kill it) is reaped and replaced at once by a new
/// worker, and its task is tried again, up to `max_attempts` attempts in all;
/// then it is given up with the `TaskError` of its last attempt. At the end,
/// the workers are stopped with `shutdown(.., config.grace)`. Leave nothing
/// behind: no zombie, no open pipe, no thread still running. Build it from
/// 5a-5c: one supervising thread per worker, each taking the next task index
/// from a queue they share.
pub fn run_pool(
    program: &Path,
    args: &[&str],
    config: &PoolConfig,
    inputs: &[String],
) -> io::Result<PoolReport> {
    todo!()
}

// ------------------------------------------------------------ 6. what it costs

/// Task 6a: start `n` threads running `body`, all at once, then join them
/// all. Return how long that took in all.
pub fn time_threads<F>(n: usize, body: F) -> Duration
where
    F: Fn() + Send + Sync + 'static,
{
    todo!()
}

/// Task 6b: start `n` children `program <args...>`, all at once, then wait
/// for them all (their stdout discarded). Return how long that took in all.
pub fn time_processes(program: &Path, args: &[&str], n: usize) -> io::Result<Duration> {
    todo!()
}

/// Task 6c: send `data` in pieces of `chunk` bytes (each its own `Vec<u8>`)
/// through an `mpsc` channel to a thread that adds up the lengths it
/// receives. Return the time it took, thread start to join, and the total
/// the thread received.
pub fn time_channel(data: &[u8], chunk: usize) -> (Duration, usize) {
    todo!()
}

/// Task 6d: the same through a pipe to a child process. Start `program
/// <args...>` (a sink: it reads its stdin to the end, then prints how many
/// bytes it read, in decimal), write `data` to it in pieces of `chunk`
/// bytes, close its stdin, read its answer, wait for it. Return the time it
/// took, start to reap, and the count the child printed.
pub fn time_pipe(
    program: &Path,
    args: &[&str],
    data: &[u8],
    chunk: usize,
) -> io::Result<(Duration, usize)> {
    todo!()
}
