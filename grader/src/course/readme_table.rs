//! The "How it is graded" table of each exercise's README, generated from its
//! `checks.toml`, so the prose can never again name one tool while the points
//! sit with another.
//!
//! The table lives between two markers ([`BEGIN`], [`END`]) in `README.md`
//! (English) and, when it exists, `README.ko.md` (Korean headings; the check
//! descriptions stay in English, as everywhere else checks.toml text is
//! shown). [`check`] reports every README whose block differs from what
//! [`render`] makes of the metadata (or has none): `grader verify` fails on
//! it. [`fix`] rewrites the blocks, inserting a missing one at the end of the
//! README's grading section. Private checks are left out: the student
//! repository (`grader export`) ships the READMEs but not those checks.

use std::path::{Path, PathBuf};

use super::plan::{CheckPlan, Course, ExercisePlan};
use crate::error::{Error, Result};
use crate::i18n::{self, Lang};

/// The line that opens a generated table.
pub const BEGIN: &str = "<!-- checks:begin -->";
/// The line that closes a generated table.
pub const END: &str = "<!-- checks:end -->";

/// One README and the language its table is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readme {
    /// Relative to the course root, e.g. `exercises/04-shared-state/README.md`.
    pub path: PathBuf,
    pub lang: Lang,
}

/// A README whose table does not match its checks.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub readme: Readme,
    /// False when the README has no table at all.
    pub has_table: bool,
}

/// The READMEs of `exercise` that carry a table: `README.md`, and
/// `README.ko.md` when the exercise has one.
pub fn readmes(course: &Course, exercise: &ExercisePlan) -> Vec<Readme> {
    let dir = Path::new("exercises").join(&exercise.name);
    let mut found = vec![Readme {
        path: dir.join("README.md"),
        lang: Lang::En,
    }];
    let korean = dir.join("README.ko.md");
    if course.root.join(&korean).is_file() {
        found.push(Readme {
            path: korean,
            lang: Lang::Ko,
        });
    }
    found
}

/// The table block of `exercise` in `lang`, markers included, ending in a
/// newline.
pub fn render(exercise: &ExercisePlan, lang: Lang) -> String {
    let [check, kind, points, what] = i18n::checks_table_headings(lang);
    let mut out = format!(
        "{BEGIN}\n{}\n\n",
        i18n::checks_table_note(lang, &exercise.name)
    );
    out.push_str(&format!("| {check} | {kind} | {points} | {what} |\n"));
    out.push_str("| --- | --- | ---: | --- |\n");
    let shown: Vec<&CheckPlan> = exercise.checks.iter().filter(|c| !c.private).collect();
    for c in &shown {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            c.name,
            i18n::check_kind_label(lang, c.kind, c.variant.as_deref()),
            number(c.points),
            escape(&c.description),
        ));
    }
    let total: f64 = shown.iter().map(|c| c.points).sum();
    out.push_str(&format!(
        "| **{}** | | **{}** | |\n",
        i18n::checks_table_total(lang),
        number(total)
    ));
    out.push_str(END);
    out.push('\n');
    out
}

/// Every README of the exercises in `only` (all when empty) whose table is
/// missing or differs from the metadata.
pub fn check(course: &Course, only: &[String]) -> Result<Vec<Stale>> {
    let mut stale = Vec::new();
    for exercise in in_scope(course, only) {
        for readme in readmes(course, exercise) {
            let text = read(course, &readme.path)?;
            let wanted = render(exercise, readme.lang);
            match block(&text) {
                Some(range) if text[range.clone()] == wanted => {}
                Some(_) => stale.push(Stale {
                    readme,
                    has_table: true,
                }),
                None => stale.push(Stale {
                    readme,
                    has_table: false,
                }),
            }
        }
    }
    Ok(stale)
}

/// Rewrites every stale table of the exercises in `only` (all when empty);
/// returns the READMEs it changed.
pub fn fix(course: &Course, only: &[String]) -> Result<Vec<PathBuf>> {
    let mut changed = Vec::new();
    for exercise in in_scope(course, only) {
        for readme in readmes(course, exercise) {
            let text = read(course, &readme.path)?;
            let wanted = render(exercise, readme.lang);
            let new = match block(&text) {
                Some(range) => format!("{}{wanted}{}", &text[..range.start], &text[range.end..]),
                None => insert(&text, &wanted, readme.lang),
            };
            if new != text {
                let path = course.root.join(&readme.path);
                std::fs::write(&path, new).map_err(|source| Error::Io {
                    action: format!("write {}", path.display()),
                    source,
                })?;
                changed.push(readme.path);
            }
        }
    }
    Ok(changed)
}

fn in_scope<'a>(course: &'a Course, only: &'a [String]) -> impl Iterator<Item = &'a ExercisePlan> {
    course
        .exercises
        .iter()
        .filter(move |e| only.is_empty() || only.contains(&e.name))
}

fn read(course: &Course, relative: &Path) -> Result<String> {
    let path = course.root.join(relative);
    std::fs::read_to_string(&path).map_err(|source| Error::Io {
        action: format!("read {}", path.display()),
        source,
    })
}

/// The byte range of the block, from the start of the [`BEGIN`] line to the
/// end of the [`END`] line (its newline included when there is one).
fn block(text: &str) -> Option<std::ops::Range<usize>> {
    let start = line_start(text, BEGIN)?;
    let end_line = start + line_start(&text[start..], END)?;
    let mut end = end_line + END.len();
    if text[end..].starts_with('\n') {
        end += 1;
    }
    Some(start..end)
}

/// Where a line that is exactly `line` starts in `text`.
fn line_start(text: &str, line: &str) -> Option<usize> {
    let mut offset = 0;
    for l in text.split_inclusive('\n') {
        if l.trim_end() == line {
            return Some(offset);
        }
        offset += l.len();
    }
    None
}

/// `text` with `block` added at the end of its grading section (before the
/// next `## ` heading), or at the end of the file under a new grading
/// heading when it has none.
fn insert(text: &str, block: &str, lang: Lang) -> String {
    let heading = format!("## {}", i18n::graded_heading(lang));
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(at) = lines.iter().position(|l| l.trim_end() == heading) else {
        let mut out = text.trim_end().to_string();
        out.push_str(&format!("\n\n{heading}\n\n{block}"));
        return out;
    };
    let end = lines[at + 1..]
        .iter()
        .position(|l| l.starts_with("## "))
        .map_or(lines.len(), |i| at + 1 + i);
    let before = lines[..end].concat();
    let after = lines[end..].concat();
    let mut out = before.trim_end().to_string();
    out.push_str("\n\n");
    out.push_str(block);
    if !after.is_empty() {
        out.push('\n');
        out.push_str(&after);
    }
    out
}

/// `1`, `0.5`, `2.25`: whole numbers without a fraction.
fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').to_string()
    }
}

/// A description as one table cell: no `|` that would split it, no newline.
fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_is_found_only_between_whole_marker_lines() {
        let text = format!("intro\n{BEGIN}\nold\n{END}\nafter\n");
        let range = block(&text).unwrap();
        assert_eq!(&text[range], format!("{BEGIN}\nold\n{END}\n"));
        assert!(block("no markers\n").is_none());
        assert!(block(&format!("{BEGIN}\nnever closed\n")).is_none());
    }

    #[test]
    fn a_missing_block_goes_at_the_end_of_the_grading_section() {
        let text = "# T\n\n## How it is graded\n\nProse.\n\n## Next\n\nMore.\n";
        let out = insert(text, "BLOCK\n", Lang::En);
        assert_eq!(
            out,
            "# T\n\n## How it is graded\n\nProse.\n\nBLOCK\n\n## Next\n\nMore.\n"
        );
        let none = insert("# T\n\nProse.\n", "BLOCK\n", Lang::En);
        assert_eq!(none, "# T\n\nProse.\n\n## How it is graded\n\nBLOCK\n");
    }

    #[test]
    fn points_print_without_needless_fractions() {
        assert_eq!(number(2.0), "2");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(1.25), "1.25");
    }
}
