//! `grader watch`: re-grade the exercise being edited on every save.
//!
//! Three sources feed one channel: a file watcher on `exercises/` (notify), a
//! key reader (crossterm, raw mode), and the grading thread. The main thread
//! owns the state and redraws the whole screen (alternate screen, so the
//! terminal comes back as it was) after every change. One grading runs at a
//! time; saves that arrive meanwhile are graded right after it.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, terminal};
use notify::{RecursiveMode, Watcher};
use threadlings_grader::course::Course;
use threadlings_grader::grade::{GradeOptions, Silent, grade};
use threadlings_grader::i18n::{self, Lang};
use threadlings_grader::subject::Subject;
use threadlings_grader::watch::{Action, WatchState, action_for, exercise_of};
use threadlings_schema::report::GradeReport;

/// Editors save in bursts (write, rename, chmod): wait this long for quiet.
const DEBOUNCE: Duration = Duration::from_millis(200);

enum Event {
    Key(Action),
    Changed(PathBuf),
    Graded {
        report: Result<GradeReport, String>,
        edited: Option<String>,
        started: Instant,
    },
}

/// Puts the terminal back on every way out, panics included.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> Result<Self> {
        terminal::enable_raw_mode().context(
            "grader watch needs an interactive terminal (for CI, run `cargo run -p grader`)",
        )?;
        let guard = TerminalGuard;
        execute!(
            std::io::stdout(),
            terminal::EnterAlternateScreen,
            cursor::Hide
        )?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(
            std::io::stdout(),
            cursor::Show,
            terminal::LeaveAlternateScreen
        );
        let _ = terminal::disable_raw_mode();
    }
}

pub fn run(course: &Course, options: GradeOptions, lang: Lang) -> Result<ExitCode> {
    if course.exercises.is_empty() {
        bail!("the course has no exercises to watch");
    }
    let (tx, rx) = mpsc::channel::<Event>();

    let watch_tx = tx.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !event.kind.is_access()
        {
            for path in event.paths {
                let _ = watch_tx.send(Event::Changed(path));
            }
        }
    })
    .context("cannot start the file watcher")?;
    watcher
        .watch(&course.root.join("exercises"), RecursiveMode::Recursive)
        .context("cannot watch exercises/")?;

    let guard = TerminalGuard::enter()?;
    let key_tx = tx.clone();
    std::thread::Builder::new()
        .name("watch-keys".to_string())
        .spawn(move || {
            while let Ok(event) = crossterm::event::read() {
                let TermEvent::Key(key) = event else { continue };
                if key.kind != KeyEventKind::Press {
                    continue;
                }
                let KeyCode::Char(c) = key.code else { continue };
                if let Some(action) = action_for(c, key.modifiers.contains(KeyModifiers::CONTROL))
                    && key_tx.send(Event::Key(action)).is_err()
                {
                    break;
                }
            }
        })
        .context("cannot start the key reader")?;

    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut state = WatchState::new(course, options.seed).in_lang(lang);
    let mut pending: BTreeSet<String> = BTreeSet::new();
    let mut pending_all = false;

    // `fresh`: the student pressed `r`, asking for every check to run now.
    let start = |only: Vec<String>, edited: Option<String>, fresh: bool| {
        let course = course.clone();
        let mut options = options.clone();
        options.only = only;
        options.reuse_verdicts &= !fresh;
        let tx = tx.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            let subject = Subject::exercises(&course);
            let report = grade(&course, &subject, &options, &mut Silent).map_err(|e| e.to_string());
            let _ = tx.send(Event::Graded {
                report,
                edited,
                started,
            });
        });
    };

    state.status = i18n::watch_grading(lang, None);
    draw(&state, colour)?;
    start(Vec::new(), None, false);
    let mut grading = true;

    loop {
        let event = rx.recv().context("the watch loop lost its event sources")?;
        match event {
            Event::Key(Action::Quit) => break,
            Event::Key(Action::RegradeAll) => pending_all = true,
            Event::Changed(path) => {
                let mut changed: BTreeSet<String> =
                    exercise_of(course, &path).into_iter().collect();
                // Gather the rest of the burst.
                let until = Instant::now() + DEBOUNCE;
                while let Some(left) = until.checked_duration_since(Instant::now()) {
                    match rx.recv_timeout(left) {
                        Ok(Event::Changed(path)) => changed.extend(exercise_of(course, &path)),
                        Ok(Event::Key(Action::Quit)) => return finish(guard),
                        Ok(Event::Key(Action::RegradeAll)) => pending_all = true,
                        Ok(graded @ Event::Graded { .. }) => {
                            // Put it back for the main match below.
                            tx.send(graded).ok();
                        }
                        Err(_) => break,
                    }
                }
                pending.extend(changed);
            }
            Event::Graded {
                report,
                edited,
                started,
            } => {
                grading = false;
                match report {
                    Ok(report) => {
                        state.record(&report, edited.as_deref());
                        state.status.clear();
                        state.last_duration = Some(started.elapsed());
                    }
                    Err(error) => state.status = i18n::watch_grading_failed(lang, &error),
                }
            }
        }
        if !grading {
            if pending_all {
                pending_all = false;
                pending.clear();
                state.status = i18n::watch_grading(lang, None);
                start(Vec::new(), None, true);
                grading = true;
            } else if let Some(name) = pending.pop_first() {
                state.status = i18n::watch_grading(lang, Some(&name));
                start(vec![name.clone()], Some(name), false);
                grading = true;
            }
        }
        draw(&state, colour)?;
    }
    finish(guard)
}

fn finish(guard: TerminalGuard) -> Result<ExitCode> {
    drop(guard);
    Ok(ExitCode::SUCCESS)
}

fn draw(state: &WatchState, colour: bool) -> Result<()> {
    let height = terminal::size().map_or(40, |(_, rows)| usize::from(rows));
    let lines = state.screen(colour, height);
    let mut out = std::io::stdout().lock();
    execute!(
        out,
        terminal::Clear(terminal::ClearType::All),
        cursor::MoveTo(0, 0)
    )?;
    // Raw mode: a line feed does not return the carriage.
    out.write_all(lines.join("\r\n").as_bytes())?;
    out.flush()?;
    Ok(())
}
