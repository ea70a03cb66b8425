//! `grader watch`: the state and the screen of watch mode, kept apart from the
//! terminal and the file watcher (which live in the CLI) so they can be tested.
//!
//! The screen always answers "where am I, and what is wrong": the exercise in
//! focus (the one just edited while it fails, otherwise the first one not
//! passing), its checks, and the full message of its first failing check.
//! It speaks the grader's language (`--lang`): the words are `crate::i18n`'s
//! and the grader's explanations `crate::messages`'.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Component, Path};
use std::time::Duration;

use console::Style;
use threadlings_schema::report::{CheckStatus, ExerciseReport, ExerciseStatus, GradeReport};

use crate::course::Course;
use crate::i18n::{self, Lang};
use crate::messages;
use crate::report::human::points;

/// What a key press asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    RegradeAll,
}

/// Maps a key (a character, and whether Ctrl was held) to an action.
pub fn action_for(key: char, ctrl: bool) -> Option<Action> {
    match (key, ctrl) {
        ('c' | 'C' | 'd' | 'D', true) => Some(Action::Quit),
        ('q' | 'Q', _) => Some(Action::Quit),
        ('r' | 'R', false) => Some(Action::RegradeAll),
        _ => None,
    }
}

/// The exercise a changed file belongs to, if a change to it should re-grade
/// one: files under `exercises/NN-topic/src/`, minus editor litter.
pub fn exercise_of(course: &Course, path: &Path) -> Option<String> {
    let exercises = course.root.join("exercises");
    let relative = path
        .strip_prefix(&exercises)
        .ok()
        .or_else(|| {
            let canonical = exercises.canonicalize().ok()?;
            path.strip_prefix(canonical).ok()
        })?
        .to_path_buf();
    let mut parts = relative.components();
    let Some(Component::Normal(exercise)) = parts.next() else {
        return None;
    };
    let Some(Component::Normal(src)) = parts.next() else {
        return None;
    };
    if src != "src" {
        return None;
    }
    let file = relative.file_name()?.to_string_lossy();
    let litter = file.starts_with('.')
        || file.ends_with('~')
        || file.ends_with(".swp")
        || file.ends_with(".swx")
        || file.ends_with(".tmp")
        || file == "4913";
    if litter {
        return None;
    }
    let exercise = exercise.to_string_lossy();
    course
        .exercises
        .iter()
        .find(|e| e.name == exercise)
        .map(|e| e.name.clone())
}

/// What watch mode knows: the latest result of every exercise graded so far.
#[derive(Debug, Clone)]
pub struct WatchState {
    order: Vec<String>,
    reports: BTreeMap<String, ExerciseReport>,
    seed: u64,
    focus: Option<String>,
    /// An exercise that passed on its last save, to congratulate.
    just_passed: Option<String>,
    /// What is happening now (`grading 01-threads…`), or an error.
    pub status: String,
    /// How long the last grading took.
    pub last_duration: Option<Duration>,
    lang: Lang,
}

impl WatchState {
    pub fn new(course: &Course, seed: u64) -> Self {
        WatchState {
            order: course.exercises.iter().map(|e| e.name.clone()).collect(),
            reports: BTreeMap::new(),
            seed,
            focus: None,
            just_passed: None,
            status: String::new(),
            last_duration: None,
            lang: Lang::En,
        }
    }

    /// The same state, its screen in `lang`.
    pub fn in_lang(self, lang: Lang) -> Self {
        WatchState { lang, ..self }
    }

    /// The language of the screen.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Takes in a grading; `edited` is the exercise whose save caused it.
    pub fn record(&mut self, report: &GradeReport, edited: Option<&str>) {
        // The screen's language: the check authors' Korean and the titles.
        let report = crate::report::words::in_lang(report, self.lang);
        for exercise in &report.exercises {
            self.reports.insert(exercise.name.clone(), exercise.clone());
        }
        self.last_duration = Some(Duration::from_millis(report.duration_ms));
        self.just_passed = None;
        self.focus = match edited.and_then(|e| self.reports.get(e)) {
            Some(e) if e.status != ExerciseStatus::Passed => Some(e.name.clone()),
            Some(e) => {
                self.just_passed = Some(e.name.clone());
                self.first_unsolved().map(str::to_string)
            }
            None => self.first_unsolved().map(str::to_string),
        };
    }

    /// The first exercise, in course order, not known to pass.
    pub fn first_unsolved(&self) -> Option<&str> {
        self.order
            .iter()
            .find(|name| {
                self.reports
                    .get(*name)
                    .is_none_or(|e| e.status != ExerciseStatus::Passed)
            })
            .map(String::as_str)
    }

    /// The exercise on screen.
    pub fn focus(&self) -> Option<&str> {
        self.focus.as_deref()
    }

    /// The screen, as lines; at most `height` of them.
    pub fn screen(&self, colour: bool, height: usize) -> Vec<String> {
        let style = |s: Style| s.force_styling(colour);
        let (good, bad, dim, bold) = (
            style(Style::new().green()),
            style(Style::new().red()),
            style(Style::new().dim()),
            style(Style::new().bold()),
        );
        let passed = self
            .reports
            .values()
            .filter(|e| e.status == ExerciseStatus::Passed)
            .count();
        let score: f64 = self.reports.values().map(|e| e.score).sum();
        let max: f64 = self.reports.values().map(|e| e.max_score).sum();
        let mut top = vec![
            format!(
                "{} {}",
                bold.apply_to("Threadlings watch"),
                dim.apply_to(i18n::watch_summary(
                    self.lang,
                    self.seed,
                    passed,
                    self.order.len(),
                    &points(score, max)
                ))
            ),
            String::new(),
        ];
        if let Some(name) = &self.just_passed {
            top.push(format!(
                "{}",
                good.apply_to(i18n::watch_passes_now(self.lang, name))
            ));
            top.push(String::new());
        }

        let mut body = Vec::new();
        match self.focus.as_deref().and_then(|f| self.reports.get(f)) {
            Some(exercise) => self.render_focus(&mut body, exercise, &good, &bad, &dim, &bold),
            None if !self.reports.is_empty() && self.first_unsolved().is_none() => {
                body.push(format!("{}", good.apply_to(i18n::all_passed(self.lang))));
            }
            None => body.push(i18n::watch_first_grading(self.lang).to_string()),
        }

        let mut progress = format!("{} ", i18n::watch_progress(self.lang));
        let mut reused = Vec::new();
        for name in &self.order {
            let number = name.split_once('-').map_or(name.as_str(), |(n, _)| n);
            if self.reports.get(name).is_some_and(|e| e.reused.is_some()) {
                reused.push(number);
            }
            let mark = match self.reports.get(name).map(|e| e.status) {
                Some(ExerciseStatus::Passed) => good.apply_to(format!("✓{number}")),
                Some(ExerciseStatus::NotStarted) | None => dim.apply_to(format!("·{number}")),
                Some(_) => bad.apply_to(format!("✗{number}")),
            };
            let _ = write!(progress, " {mark}");
        }
        let mut bottom = vec![String::new(), progress];
        if !reused.is_empty() {
            bottom.push(format!(
                "{}",
                dim.apply_to(i18n::watch_reused(self.lang, &reused.join(" ")))
            ));
        }
        let took = self.last_duration.map(|d| d.as_secs_f64());
        bottom.push(format!(
            "{}",
            dim.apply_to(i18n::watch_help(self.lang, took))
        ));
        if !self.status.is_empty() {
            bottom.push(self.status.clone());
        }

        let room = height.saturating_sub(top.len() + bottom.len()).max(3);
        if body.len() > room {
            let cut = body.len() - room + 1;
            body.truncate(room - 1);
            body.push(format!(
                "{}",
                dim.apply_to(i18n::watch_more_lines(self.lang, cut))
            ));
        }
        top.into_iter().chain(body).chain(bottom).collect()
    }

    fn render_focus(
        &self,
        out: &mut Vec<String>,
        e: &ExerciseReport,
        good: &Style,
        bad: &Style,
        dim: &Style,
        bold: &Style,
    ) {
        let lang = self.lang;
        let word = i18n::exercise_status(lang, e.status);
        let status = match e.status {
            ExerciseStatus::Passed => good.apply_to(word),
            ExerciseStatus::Failed => bad.apply_to(word),
            ExerciseStatus::CompileError => bad.apply_to(word),
            ExerciseStatus::NotStarted => dim.apply_to(word),
        };
        out.push(format!(
            "{} {}  {}  {}  {status}",
            i18n::watch_now(lang),
            bold.apply_to(&e.name),
            e.title,
            points(e.score, e.max_score)
        ));
        match e.status {
            ExerciseStatus::NotStarted => {
                out.push(format!("  {}", i18n::start_here(lang, &e.name)));
                return;
            }
            ExerciseStatus::CompileError => {
                for check in &e.checks {
                    let message = messages::render(lang, check, &|own| own.to_string());
                    out.push(format!("  {message}"));
                }
                if let Some(errors) = &e.build_errors {
                    out.extend(errors.lines().map(|l| format!("    {}", dim.apply_to(l))));
                }
                return;
            }
            ExerciseStatus::Passed | ExerciseStatus::Failed => {}
        }
        // The full message of one failing check: the first, or, when other
        // checks caught the same bug, the one with the clearest evidence.
        let first_failing = e
            .checks
            .iter()
            .position(|c| !matches!(c.status, CheckStatus::Passed | CheckStatus::Skipped));
        let detailed = first_failing.map(|first| {
            crate::report::story::stories(&e.checks)
                .into_iter()
                .find(|story| story.members().contains(&first))
                .map_or(first, |story| story.lead)
        });
        for (i, check) in e.checks.iter().enumerate() {
            let (mark, word) = match check.status {
                CheckStatus::Passed => (good.apply_to("✓"), ""),
                CheckStatus::Skipped => (dim.apply_to("-"), i18n::check_status(lang, check.status)),
                other => (bad.apply_to("✗"), i18n::check_status(lang, other)),
            };
            out.push(format!(
                "  {mark} {:<34} {:<7} {:>7}  {word}",
                check.name,
                check.kind.as_str(),
                points(check.score, check.max_score)
            ));
            if detailed == Some(i) {
                let message = messages::render(lang, check, &crate::report::story::plain_message);
                out.extend(message.lines().map(|l| format!("      {l}")));
                if let Some(trace) = &check.trace {
                    let text = crate::report::trace::render(trace, lang, "      ");
                    out.extend(text.lines().map(str::to_string));
                }
                // A timing check's evidence: when each task ran, on which thread.
                let mut timeline = String::new();
                crate::report::timeline::render_for_check_in(&mut timeline, check, "      ", lang);
                out.extend(timeline.lines().map(str::to_string));
                if let Some(replay) = &check.replay {
                    out.push(format!(
                        "      {}",
                        dim.apply_to(i18n::replay(lang, replay))
                    ));
                }
            }
        }
    }
}
