//! Exercise 13: inter-process communication. Reference solution.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use threadlings::sync::atomic::{AtomicUsize, Ordering};
use threadlings::sync::mpsc::{self, RecvTimeoutError};
use threadlings::sync::{Arc, Mutex, MutexGuard};
use threadlings::thread::{self, JoinHandle};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

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
    // JSON lines: serde_json escapes newlines inside strings, so a message is
    // exactly one line.
    let mut line = serde_json::to_vec(message)?;
    line.push(b'\n');
    out.write_all(&line)
}

/// Task 1b: read the next frame written by `write_message`.
///
/// `Ok(None)` when the stream ends cleanly *between* two frames. A stream
/// that ends inside a frame (also a JSON line without its newline, or a cut
/// length prefix) is an error, and so is a frame that does not decode. Read
/// exactly one frame: never consume bytes of the next one.
pub fn read_message<T: DeserializeOwned>(input: &mut impl BufRead) -> io::Result<Option<T>> {
    let mut line = Vec::new();
    // read_until stops right after the newline: the next frame stays unread.
    let read = input.read_until(b'\n', &mut line)?;
    if read == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("the stream ended inside a message ({read} bytes, no newline)"),
        ));
    }
    serde_json::from_slice(&line)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
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
    let mut input = input;
    let mut output = output;
    let mut handle = handle;
    while let Some(task) = read_message::<Task>(&mut input)? {
        let answer = Answer {
            id: task.id,
            output: handle(&task.input),
        };
        write_message(&mut output, &answer)?;
        // The pool waits for this answer before it sends the next task.
        output.flush()?;
    }
    Ok(())
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
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    // Write on one thread while reading on this one: the child can only keep
    // reading if someone empties the pipe it writes into.
    let (written, read) = thread::scope(|scope| {
        let writer = scope.spawn(move || {
            let written = stdin.write_all(input);
            drop(stdin); // end of input: the child sees EOF
            written
        });
        let mut output = Vec::new();
        let read = stdout.read_to_end(&mut output).map(|_| output);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")));
        (written, read)
    });
    let status = child.wait()?;
    let output = read?;
    if !status.success() {
        return Err(io::Error::other(format!(
            "{} failed: {status}",
            program.display()
        )));
    }
    // A filter may stop reading early on purpose (like `head`).
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e),
        _ => Ok(output),
    }
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
    let mut workers = workers;
    for worker in &mut workers {
        drop(worker.stdin.take()); // EOF: a well-behaved worker exits now
    }
    let deadline = Instant::now() + grace;
    let mut ends: Vec<Option<Shutdown>> = vec![None; workers.len()];
    let mut first_error = None;
    loop {
        for (worker, end) in workers.iter_mut().zip(ends.iter_mut()) {
            if end.is_none() {
                match worker.try_wait() {
                    Ok(Some(status)) => *end = Some(Shutdown::Exited(status)),
                    Ok(None) => {}
                    Err(e) => {
                        first_error.get_or_insert(e);
                        *end = Some(Shutdown::Killed);
                        let _ = worker.kill();
                        let _ = worker.wait();
                    }
                }
            }
        }
        if ends.iter().all(Option::is_some) {
            break;
        }
        let now = Instant::now();
        if now >= deadline {
            for (worker, end) in workers.iter_mut().zip(ends.iter_mut()) {
                if end.is_none() {
                    // Kill, then wait: reaping is what removes the zombie.
                    let _ = worker.kill();
                    if let Err(e) = worker.wait() {
                        first_error.get_or_insert(e);
                    }
                    *end = Some(Shutdown::Killed);
                }
            }
            break;
        }
        thread::sleep(POLL.min(deadline - now));
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(ends
            .into_iter()
            .map(|e| e.expect("every worker ended"))
            .collect()),
    }
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
    let pool = Pool {
        program,
        args,
        config,
        inputs,
        queue: Mutex::new((0..inputs.len()).collect()),
        results: Mutex::new(vec![None; inputs.len()]),
        attempts: Mutex::new(vec![0; inputs.len()]),
        started: AtomicUsize::new(0),
    };
    // Start every worker first, then give each one a supervising thread.
    let mut workers = Vec::new();
    for _ in 0..config.workers.max(1) {
        match pool.start_worker() {
            Ok(worker) => workers.push(worker),
            Err(e) => {
                let _ = stop_workers(workers, config.grace);
                return Err(e);
            }
        }
    }
    let ended: Vec<io::Result<PoolWorker>> = thread::scope(|scope| {
        let pool = &pool;
        let slots: Vec<_> = workers
            .into_iter()
            .map(|worker| scope.spawn(move || pool.supervise(worker)))
            .collect();
        slots
            .into_iter()
            .map(|slot| {
                slot.join()
                    .unwrap_or_else(|_| Err(io::Error::other("a pool thread panicked")))
            })
            .collect()
    });
    let mut live = Vec::new();
    let mut first_error = None;
    for end in ended {
        match end {
            Ok(worker) => live.push(worker),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let stopped = stop_workers(live, config.grace);
    if let Some(e) = first_error {
        return Err(e);
    }
    stopped?;

    let results = pool
        .results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|r| r.ok_or_else(|| io::Error::other("a task was never finished")))
        .collect::<io::Result<Vec<_>>>()?;
    Ok(PoolReport {
        results,
        attempts: pool
            .attempts
            .into_inner()
            .unwrap_or_else(|p| p.into_inner()),
        workers_started: pool.started.into_inner(),
    })
}

// ------------------------------------------------------------ 6. what it costs

/// Task 6a: start `n` threads running `body`, all at once, then join them
/// all. Return how long that took in all.
pub fn time_threads<F>(n: usize, body: F) -> Duration
where
    F: Fn() + Send + Sync + 'static,
{
    let body = Arc::new(body);
    let started = Instant::now();
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let body = Arc::clone(&body);
            thread::spawn(move || body())
        })
        .collect();
    for handle in handles {
        handle.join().expect("a timed thread panicked");
    }
    started.elapsed()
}

/// Task 6b: start `n` children `program <args...>`, all at once, then wait
/// for them all (their stdout discarded). Return how long that took in all.
pub fn time_processes(program: &Path, args: &[&str], n: usize) -> io::Result<Duration> {
    let started = Instant::now();
    let mut children = Vec::with_capacity(n);
    let mut first_error = None;
    for _ in 0..n {
        match Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .spawn()
        {
            Ok(child) => children.push(child),
            Err(e) => {
                first_error = Some(e);
                break;
            }
        }
    }
    for mut child in children {
        child.wait()?;
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(started.elapsed()),
    }
}

/// Task 6c: send `data` in pieces of `chunk` bytes (each its own `Vec<u8>`)
/// through an `mpsc` channel to a thread that adds up the lengths it
/// receives. Return the time it took, thread start to join, and the total
/// the thread received.
pub fn time_channel(data: &[u8], chunk: usize) -> (Duration, usize) {
    let started = Instant::now();
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let receiver = thread::spawn(move || rx.iter().map(|piece| piece.len()).sum::<usize>());
    for piece in data.chunks(chunk.max(1)) {
        tx.send(piece.to_vec())
            .expect("the receiver runs until the channel closes");
    }
    drop(tx); // closes the channel: the receiver's loop ends
    let received = receiver.join().expect("the receiver thread panicked");
    (started.elapsed(), received)
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
    let started = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let mut written = Ok(());
    // The sink answers only after its input ended, so writing everything
    // first cannot deadlock here.
    for piece in data.chunks(chunk.max(1)) {
        written = stdin.write_all(piece);
        if written.is_err() {
            break;
        }
    }
    drop(stdin);
    let mut answer = String::new();
    let read = child
        .stdout
        .take()
        .expect("stdout is piped")
        .read_to_string(&mut answer);
    let status = child.wait()?;
    written?;
    read?;
    if !status.success() {
        return Err(io::Error::other(format!("the sink failed: {status}")));
    }
    let count = answer.trim().parse().map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the sink answered {answer:?}, not a count"),
        )
    })?;
    Ok((started.elapsed(), count))
}

// ------------------------------------------------------------ 5a-5c. the steps of the pool, and its internals

/// How often shutdown looks whether its workers have exited.
const POLL: Duration = Duration::from_millis(5);

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
/// and a thread that reads its answers into a channel.
pub fn start_worker(program: &Path, args: &[&str]) -> io::Result<PoolWorker> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let (tx, answers) = mpsc::channel();
    // A thread of its own, so that whoever waits for an answer can wait with
    // a deadline (`recv_timeout`): a read from the pipe itself cannot time out.
    let reader = thread::spawn(move || {
        loop {
            match read_message::<Answer>(&mut stdout) {
                Ok(Some(answer)) => {
                    if tx.send(Some(answer)).is_err() {
                        return;
                    }
                }
                _ => {
                    let _ = tx.send(None);
                    return;
                }
            }
        }
    });
    Ok(PoolWorker {
        child,
        answers,
        reader,
    })
}

/// Task 5b: send `task` to `worker` (flushed) and wait at most `deadline` for
/// its answer. A worker whose pipe is closed, whose stdout ended or who
/// answered another task has `Crashed`; one that stays silent has `TimedOut`.
pub fn ask(worker: &mut PoolWorker, task: &Task, deadline: Duration) -> Result<String, TaskError> {
    if send(worker, task).is_err() {
        return Err(TaskError::Crashed);
    }
    match worker.answers.recv_timeout(deadline) {
        Ok(Some(answer)) if answer.id == task.id => Ok(answer.output),
        Ok(_) | Err(RecvTimeoutError::Disconnected) => Err(TaskError::Crashed),
        Err(RecvTimeoutError::Timeout) => Err(TaskError::TimedOut),
    }
}

/// What the supervising threads of `run_pool` share.
struct Pool<'a> {
    program: &'a Path,
    args: &'a [&'a str],
    config: &'a PoolConfig,
    inputs: &'a [String],
    /// Indexes of the tasks waiting for a worker.
    queue: Mutex<VecDeque<usize>>,
    results: Mutex<Vec<Option<Result<String, TaskError>>>>,
    attempts: Mutex<Vec<u32>>,
    started: AtomicUsize,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl Pool<'_> {
    /// Starts a worker and counts it.
    fn start_worker(&self) -> io::Result<PoolWorker> {
        let worker = start_worker(self.program, self.args)?;
        self.started.fetch_add(1, Ordering::SeqCst);
        Ok(worker)
    }

    /// Feeds one worker tasks until none are left; returns the worker it
    /// ends with (a replacement, if the first one was lost).
    fn supervise(&self, mut worker: PoolWorker) -> io::Result<PoolWorker> {
        loop {
            let Some(index) = lock(&self.queue).pop_front() else {
                return Ok(worker);
            };
            lock(&self.attempts)[index] += 1;
            let task = Task {
                id: index as u64,
                input: self.inputs[index].clone(),
            };
            let lost = match ask(&mut worker, &task, self.config.task_deadline) {
                Ok(output) => {
                    lock(&self.results)[index] = Some(Ok(output));
                    continue;
                }
                Err(lost) => lost,
            };
            // The worker is gone or stuck: kill it (harmless if it is dead),
            // reap it, and put the task back (in front) or give it up.
            discard(worker);
            if lock(&self.attempts)[index] < self.config.max_attempts.max(1) {
                lock(&self.queue).push_front(index);
            } else {
                lock(&self.results)[index] = Some(Err(lost));
            }
            worker = self.start_worker()?;
        }
    }
}

fn send(worker: &mut PoolWorker, task: &Task) -> io::Result<()> {
    let stdin = worker.child.stdin.as_mut().expect("stdin is piped");
    write_message(stdin, task)?;
    stdin.flush()
}

/// Task 5c: retire a worker that was lost (dead or stuck): kill it (harmless
/// if it already died), reap it, close its stdin and join its reader thread.
pub fn discard(mut worker: PoolWorker) {
    let _ = worker.child.kill();
    let _ = worker.child.wait();
    drop(worker.child.stdin.take());
    drop(worker.answers);
    let _ = worker.reader.join();
}

/// Shuts the workers down, then joins their reader threads.
fn stop_workers(workers: Vec<PoolWorker>, grace: Duration) -> io::Result<Vec<Shutdown>> {
    let mut children = Vec::with_capacity(workers.len());
    let mut readers = Vec::with_capacity(workers.len());
    for worker in workers {
        children.push(worker.child);
        readers.push(worker.reader);
    }
    let ended = shutdown(children, grace);
    // Every child is reaped, so every stdout pipe is closed: readers end.
    for reader in readers {
        let _ = reader.join();
    }
    ended
}
