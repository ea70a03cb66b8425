//! Progress on stderr while building and running checks. Hidden when stderr is
//! not a terminal, so logs and CI output stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::build::BuildEvent;
use crate::grade::Observer;
use crate::run::{CheckJob, CheckRun, RunOutcome};

pub struct Progress {
    bar: ProgressBar,
    enabled: bool,
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        let bar = ProgressBar::with_draw_target(
            None,
            if enabled {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        Progress { bar, enabled }
    }
}

impl Observer for Progress {
    fn build_started(&mut self, exercises: usize) {
        self.bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}").expect("valid progress template"),
        );
        self.bar
            .set_message(format!("building the checks of {exercises} exercise(s)"));
        self.bar
            .enable_steady_tick(std::time::Duration::from_millis(100));
    }

    fn build_event(&mut self, event: &BuildEvent) {
        let BuildEvent::Compiling(name) = event;
        self.bar.set_message(format!("building: {name}"));
    }

    fn run_started(&mut self, checks: usize) {
        self.bar.set_length(checks as u64);
        self.bar.set_position(0);
        self.bar.set_style(
            ProgressStyle::with_template("{spinner} running checks [{bar:30}] {pos}/{len} {msg}")
                .expect("valid progress template")
                .progress_chars("=> "),
        );
    }

    fn check_finished(&mut self, job: &CheckJob, run: &CheckRun) {
        self.bar.inc(1);
        let mark = match run.outcome {
            RunOutcome::Reported(threadlings_schema::protocol::Verdict::Passed) => "ok",
            _ => "not passed",
        };
        self.bar
            .set_message(format!("{}::{} {mark}", job.exercise, job.check));
    }

    fn finished(&mut self) {
        if self.enabled {
            self.bar.finish_and_clear();
        }
    }
}
