//! Given (no need to change it): what the lab runs and what it reports.

use std::fmt;
use std::time::{Duration, Instant};

/// The tasks one lab run works on. Each experiment runs `tasks` tasks, first
/// one after another on one thread, then on `tasks` threads at once.
#[derive(Clone, Copy)]
pub struct Workload<'a> {
    /// How many tasks each run executes, and how many threads a threaded run
    /// starts (one per task).
    pub tasks: usize,
    /// CPU-bound task `i`: pure computation, like a Python loop crunching
    /// numbers. It needs the GIL the whole time it runs.
    pub cpu: &'a (dyn Fn(usize) -> u64 + Sync),
    /// The Python part of I/O-bound task `i` (say, building a request): it
    /// needs the GIL. Returns what the blocking part needs.
    pub python: &'a (dyn Fn(usize) -> u64 + Sync),
    /// The blocking part of an I/O-bound task (say, waiting for the server's
    /// answer), given what `python` returned. It only waits: the GIL can be
    /// released around it.
    pub blocking: &'a (dyn Fn(u64) -> u64 + Sync),
}

/// When one run started and when it finished: two readings of the clock,
/// like two calls of Python's `time.perf_counter()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub started: Instant,
    pub finished: Instant,
}

impl Run {
    /// Runs `f` and returns the clock readings right before and right after.
    ///
    /// ```ignore
    /// let run = Run::measure(|| {
    ///     for i in 0..n {
    ///         (work.cpu)(i);
    ///     }
    /// });
    /// ```
    pub fn measure(f: impl FnOnce()) -> Run {
        let started = Instant::now();
        f();
        Run {
            started,
            finished: Instant::now(),
        }
    }

    /// How long the run took.
    pub fn duration(&self) -> Duration {
        self.finished.saturating_duration_since(self.started)
    }
}

/// One experiment: the same tasks on one thread, then on several threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Experiment {
    /// All tasks, one after another, on the calling thread.
    pub one_thread: Run,
    /// All tasks at once, one thread per task.
    pub threads: Run,
}

impl Experiment {
    /// One line of the lab's table: `name`, both durations, the speedup.
    pub fn row(&self, name: &str) -> String {
        format!(
            "{:<16} {:>9.1} ms {:>9.1} ms {:>8.2}x",
            name,
            self.one_thread.duration().as_secs_f64() * 1e3,
            self.threads.duration().as_secs_f64() * 1e3,
            self.speedup()
        )
    }

    /// How many times faster the threaded run was than the one-thread run:
    /// about 1.0 means "threads did not help".
    pub fn speedup(&self) -> f64 {
        self.one_thread.duration().as_secs_f64() / self.threads.duration().as_secs_f64().max(1e-9)
    }
}

/// What the lab measured: one experiment per lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabReport {
    /// CPU-bound tasks, threads under the GIL: expect no speedup.
    pub cpu_with_gil: Experiment,
    /// I/O-bound tasks, threads under the GIL, released around the blocking
    /// part: the waits overlap, expect about `tasks` times faster.
    pub io_with_gil: Experiment,
    /// CPU-bound tasks, threads without any GIL: expect about
    /// min(`tasks`, cores) times faster.
    pub cpu_without_gil: Experiment,
}

impl fmt::Display for LabReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<16} {:>12} {:>12} {:>9}",
            "experiment", "one thread", "threads", "speedup"
        )?;
        for (name, e) in [
            ("CPU, with GIL", &self.cpu_with_gil),
            ("I/O, with GIL", &self.io_with_gil),
            ("CPU, no GIL", &self.cpu_without_gil),
        ] {
            writeln!(f, "{}", e.row(name))?;
        }
        Ok(())
    }
}
