//! Progress on stderr while building and running checks. Hidden when stderr is
//! not a terminal, so logs and CI output stay clean. Its words follow
//! `--lang` (`crate::i18n`).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::build::BuildEvent;
use crate::grade::Observer;
use crate::i18n::{self, Lang};
use crate::run::{CheckJob, CheckRun, RunOutcome};

pub struct Progress {
    bar: ProgressBar,
    enabled: bool,
    lang: Lang,
}

impl Progress {
    /// A progress line in English; [`Progress::in_lang`] for another language.
    pub fn new(enabled: bool) -> Self {
        Progress::in_lang(enabled, Lang::En)
    }

    pub fn in_lang(enabled: bool, lang: Lang) -> Self {
        let bar = ProgressBar::with_draw_target(
            None,
            if enabled {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        Progress { bar, enabled, lang }
    }
}

impl Observer for Progress {
    fn build_started(&mut self, exercises: usize) {
        self.bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}").expect("valid progress template"),
        );
        self.bar
            .set_message(i18n::progress_building(self.lang, exercises));
        self.bar
            .enable_steady_tick(std::time::Duration::from_millis(100));
    }

    fn build_event(&mut self, event: &BuildEvent) {
        let BuildEvent::Compiling(name) = event;
        self.bar
            .set_message(i18n::progress_compiling(self.lang, name));
    }

    fn run_started(&mut self, checks: usize) {
        self.bar.set_length(checks as u64);
        self.bar.set_position(0);
        self.bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} {} [{{bar:30}}] {{pos}}/{{len}} {{msg}}",
                i18n::progress_running(self.lang)
            ))
            .expect("valid progress template")
            .progress_chars("=> "),
        );
    }

    fn check_finished(&mut self, job: &CheckJob, run: &CheckRun) {
        self.bar.inc(1);
        let passed = matches!(
            run.outcome,
            RunOutcome::Reported(threadlings_schema::protocol::Verdict::Passed)
        );
        let mark = i18n::progress_check_done(self.lang, passed);
        self.bar
            .set_message(format!("{}::{} {mark}", job.exercise, job.check));
    }

    fn finished(&mut self) {
        if self.enabled {
            self.bar.finish_and_clear();
        }
    }
}
