//! Facade bypass scan: race checks see an answer's synchronization only
//! through the course facade (`threadlings::sync`, `threadlings::thread`),
//! so an answer that takes its locks, atomics or threads from std (or hides
//! them behind `unsafe`) would be graded on something the checks cannot see.
//! Such an answer is not graded by those checks; the report says why and
//! where.
//!
//! An exercise opts in with a table in its trusted `Cargo.toml`:
//!
//! ```toml
//! [package.metadata.threadlings.facade]
//! forbid = ["std::sync", "std::thread", "core::sync"]  # path prefixes
//! allow = ["std::sync::Arc"]      # exceptions: what the facade re-exports as is
//! ```
//!
//! Whether `unsafe` is allowed is `[package.metadata.threadlings] unsafe`
//! (default `false`), which also makes the compiler forbid it.
//!
//! The scan reads the subject's `src/**/*.rs` as tokens (comments and string
//! literals removed), expands `use` trees (groups, `self`, renames, globs)
//! and resolves aliases, so `use std::{sync::Mutex as M}` and
//! `use std as s; s::thread::spawn` are found as well as plain
//! `std::sync::Mutex`. It is a scan, not a compiler: a determined student can
//! hide a path (a macro), but an ordinary answer is classified exactly.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use threadlings_schema::report::{Explanation, FacadeUse};

use crate::course::ExercisePlan;
use crate::error::{Error, Result};

/// What an exercise forbids in the sources its race checks grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacadePolicy {
    /// Path prefixes, segment by segment (`std::sync` forbids
    /// `std::sync::Mutex`, not `std::synchronize`).
    pub forbid: Vec<Vec<String>>,
    /// Exceptions under a forbidden prefix: items the facade re-exports from
    /// std unchanged (`std::sync::atomic::Ordering`, `std::sync::Arc`).
    pub allow: Vec<Vec<String>>,
    /// Whether `unsafe` is allowed.
    pub allow_unsafe: bool,
}

/// One place in the sources that bypasses the facade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Relative to the exercise (`src/lib.rs`).
    pub file: String,
    pub line: usize,
    /// What was found, e.g. "`std::sync::Mutex`" or "`unsafe`".
    pub what: String,
}

/// Reads the exercise's policy from its course `Cargo.toml`; `None` if it has none.
pub fn policy(exercise: &ExercisePlan) -> Result<Option<FacadePolicy>> {
    let manifest = exercise.exercise_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|source| Error::Read {
        path: manifest.clone(),
        source,
    })?;
    let value: toml::Table = toml::from_str(&text).map_err(|e| Error::Parse {
        path: manifest.clone(),
        message: e.to_string(),
    })?;
    let Some(table) = value
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("threadlings"))
        .and_then(|t| t.get("facade"))
    else {
        return Ok(None);
    };
    let invalid = |message: &str| Error::Metadata {
        path: manifest.clone(),
        message: format!("[package.metadata.threadlings.facade]: {message}"),
    };
    let paths = |key: &str| -> Result<Vec<Vec<String>>> {
        let message = format!("`{key}` must be a list of paths");
        match table.get(key) {
            None => Ok(Vec::new()),
            Some(list) => list
                .as_array()
                .ok_or_else(|| invalid(&message))?
                .iter()
                .map(|p| {
                    p.as_str()
                        .map(|p| p.split("::").map(str::to_string).collect())
                        .ok_or_else(|| invalid(&message))
                })
                .collect(),
        }
    };
    let forbid = paths("forbid")?;
    let allow = paths("allow")?;
    // One switch for the scan and the compiler (`-F unsafe_code`): the
    // exercise's `[package.metadata.threadlings] unsafe`.
    let allow_unsafe = exercise.allow_unsafe;
    Ok(Some(FacadePolicy {
        forbid,
        allow,
        allow_unsafe,
    }))
}

/// Scans every `.rs` file under `src_dir` (the subject's `src/`).
pub fn scan(src_dir: &Path, policy: &FacadePolicy) -> Vec<Finding> {
    let mut files = Vec::new();
    collect_rs(src_dir, &mut files);
    files.sort();
    let mut findings = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let relative = file
            .strip_prefix(src_dir.parent().unwrap_or(src_dir))
            .unwrap_or(&file)
            .display()
            .to_string();
        findings.extend(
            scan_source(&text, policy)
                .into_iter()
                .map(|(line, what)| Finding {
                    file: relative.clone(),
                    line,
                    what,
                }),
        );
    }
    findings
}

/// Why checks are not graded because of `findings` (the first five, and
/// how many more); `crate::messages` words it.
pub fn refusal(findings: &[Finding]) -> Option<Explanation> {
    if findings.is_empty() {
        return None;
    }
    const SHOWN: usize = 5;
    Some(Explanation::OffFacade {
        uses: findings
            .iter()
            .take(SHOWN)
            .map(|f| FacadeUse {
                file: f.file.clone(),
                line: f.line,
                what: f.what.clone(),
            })
            .collect(),
        more: findings.len().saturating_sub(SHOWN),
    })
}

/// Every `unsafe` in the sources under `src_dir`: what an instructor reads
/// when an exercise allows `unsafe` (see `IntegrityKind::UnsafeReview`).
pub fn unsafe_uses(src_dir: &Path) -> Vec<Finding> {
    let policy = FacadePolicy {
        forbid: Vec::new(),
        allow: Vec::new(),
        allow_unsafe: false,
    };
    scan(src_dir, &policy)
}

/// Why each exercise's race checks are not graded, for the exercises whose
/// subject sources bypass the facade. `src_of` gives the subject's `src/`.
pub fn refusals(
    exercises: &[&ExercisePlan],
    src_of: impl Fn(&str) -> PathBuf,
) -> Result<BTreeMap<String, Explanation>> {
    let mut out = BTreeMap::new();
    for exercise in exercises {
        let Some(policy) = policy(exercise)? else {
            continue;
        };
        let src = src_of(&exercise.name);
        if !src.is_dir() {
            continue;
        }
        if let Some(message) = refusal(&scan(&src, &policy)) {
            out.insert(exercise.name.clone(), message);
        }
    }
    Ok(out)
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

/// Tokens with their line numbers; comments, strings and chars removed.
fn tokenize(src: &str) -> Vec<(Tok, usize)> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let n = chars.len();
    while i < n {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && i + 1 < n && chars[i + 1] == '/' {
            while i < n && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && i + 1 < n && chars[i + 1] == '*' {
            let mut depth = 0;
            while i < n {
                if chars[i] == '/' && i + 1 < n && chars[i + 1] == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && i + 1 < n && chars[i + 1] == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if c == '"'
            || ((c == 'r' || c == 'b' || c == 'c') && raw_or_byte_string_start(&chars, i).is_some())
        {
            let (start, hashes, raw) = if c == '"' {
                (i + 1, 0, false)
            } else {
                raw_or_byte_string_start(&chars, i).expect("checked above")
            };
            i = start;
            while i < n {
                if chars[i] == '\n' {
                    line += 1;
                }
                if !raw && chars[i] == '\\' {
                    i += 2;
                    continue;
                }
                if chars[i] == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
        } else if c == '\'' {
            // A char literal ('a', '\n', '\u{1F600}') or a lifetime ('a).
            if i + 2 < n && chars[i + 1] == '\\' {
                i += 2;
                while i < n && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if i + 2 < n && chars[i + 2] == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < n && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let mut word: String = chars[start..i].iter().collect();
            if word == "r" && i < n && chars[i] == '#' {
                i += 1;
                let start = i;
                while i < n && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                word = chars[start..i].iter().collect();
            }
            out.push((Tok::Ident(word), line));
        } else if c == ':' && i + 1 < n && chars[i + 1] == ':' {
            out.push((Tok::PathSep, line));
            i += 2;
        } else {
            out.push((Tok::Punct(c), line));
            i += 1;
        }
    }
    out
}

/// For `r"`, `r#"`, `b"`, `br#"`, `c"`...: (index after the opening quote,
/// number of `#`, raw?).
fn raw_or_byte_string_start(chars: &[char], i: usize) -> Option<(usize, usize, bool)> {
    // Must not be the tail of an identifier (`for"` cannot occur, `br` can).
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if chars.get(j) == Some(&'b') || chars.get(j) == Some(&'c') {
        j += 1;
    }
    let raw = chars.get(j) == Some(&'r');
    if raw {
        j += 1;
    }
    let mut hashes = 0;
    while raw && chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if j == i || chars.get(j) != Some(&'"') {
        return None;
    }
    Some((j + 1, hashes, raw))
}

/// One path a `use` brings in: the full path and the name it is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UseItem {
    path: Vec<String>,
    /// `None` for a glob.
    binding: Option<String>,
    line: usize,
}

/// Expands the use tree in `toks` (after `use`, up to `;`).
fn expand_use(toks: &[(Tok, usize)], prefix: Vec<String>, out: &mut Vec<UseItem>) {
    let mut path = prefix;
    let mut i = 0;
    let mut line = toks.first().map_or(0, |t| t.1);
    while i < toks.len() {
        line = toks[i].1;
        match &toks[i].0 {
            Tok::Ident(word) if word == "as" => {
                if let Some((Tok::Ident(alias), _)) = toks.get(i + 1) {
                    let path = strip_self(path.clone());
                    out.push(UseItem {
                        path,
                        binding: Some(alias.clone()),
                        line,
                    });
                }
                return;
            }
            Tok::Ident(word) => {
                path.push(word.clone());
                i += 1;
            }
            Tok::PathSep => i += 1,
            Tok::Punct('*') => {
                out.push(UseItem {
                    path: path.clone(),
                    binding: None,
                    line,
                });
                return;
            }
            Tok::Punct('{') => {
                // Split the group at top-level commas.
                let mut depth = 0;
                let mut start = i + 1;
                let mut j = i + 1;
                while j < toks.len() {
                    match toks[j].0 {
                        Tok::Punct('{') => depth += 1,
                        Tok::Punct('}') if depth == 0 => {
                            if start < j {
                                expand_use(&toks[start..j], path.clone(), out);
                            }
                            return;
                        }
                        Tok::Punct('}') => depth -= 1,
                        Tok::Punct(',') if depth == 0 => {
                            if start < j {
                                expand_use(&toks[start..j], path.clone(), out);
                            }
                            start = j + 1;
                        }
                        _ => {}
                    }
                    j += 1;
                }
                return;
            }
            Tok::Punct(_) => i += 1,
        }
    }
    let path = strip_self(path);
    if let Some(last) = path.last().cloned() {
        out.push(UseItem {
            path,
            binding: Some(last),
            line,
        });
    }
}

/// `std::sync::{self}` is `std::sync`.
fn strip_self(mut path: Vec<String>) -> Vec<String> {
    if path.last().is_some_and(|s| s == "self") {
        path.pop();
    }
    path
}

fn starts_with(path: &[String], prefix: &[String]) -> bool {
    path.len() >= prefix.len() && path.iter().zip(prefix).all(|(a, b)| a == b)
}

/// The findings in one file, as (line, what).
fn scan_source(src: &str, policy: &FacadePolicy) -> Vec<(usize, String)> {
    let toks = tokenize(src);
    let mut findings = BTreeSet::new();
    let mut uses = Vec::new();
    let mut local_items = BTreeSet::new();
    // Ranges of tokens inside `use ...;`, scanned through the use tree only.
    let mut in_use = vec![false; toks.len()];
    let mut i = 0;
    while i < toks.len() {
        match &toks[i].0 {
            Tok::Ident(word) if word == "use" => {
                let end = (i..toks.len())
                    .find(|&j| toks[j].0 == Tok::Punct(';'))
                    .unwrap_or(toks.len());
                expand_use(&toks[i + 1..end], Vec::new(), &mut uses);
                for flag in &mut in_use[i..end] {
                    *flag = true;
                }
                i = end;
            }
            Tok::Ident(word)
                if matches!(
                    word.as_str(),
                    "struct"
                        | "enum"
                        | "fn"
                        | "mod"
                        | "type"
                        | "trait"
                        | "const"
                        | "static"
                        | "union"
                ) =>
            {
                if let Some((Tok::Ident(name), _)) = toks.get(i + 1) {
                    local_items.insert(name.clone());
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    for item in &mut uses {
        // `use ::std::sync` and `use crate::...` are as written.
        if item.path.first().is_some_and(|s| s.is_empty()) {
            item.path.remove(0);
        }
    }
    let aliases: BTreeMap<String, Vec<String>> = uses
        .iter()
        .filter_map(|u| u.binding.clone().map(|b| (b, u.path.clone())))
        .collect();
    let globs: Vec<Vec<String>> = uses
        .iter()
        .filter(|u| u.binding.is_none())
        .map(|u| u.path.clone())
        .collect();
    let forbidden = |path: &[String]| {
        policy.forbid.iter().any(|f| starts_with(path, f))
            && !policy.allow.iter().any(|a| starts_with(path, a))
    };

    for item in &uses {
        let resolved = resolve(&item.path, &aliases, 0);
        if forbidden(&resolved) {
            findings.insert((item.line, format!("`{}`", resolved.join("::"))));
        }
    }
    let mut i = 0;
    while i < toks.len() {
        if in_use[i] {
            i += 1;
            continue;
        }
        match &toks[i].0 {
            Tok::Ident(word) if word == "unsafe" && !policy.allow_unsafe => {
                findings.insert((toks[i].1, "`unsafe`".to_string()));
                i += 1;
            }
            Tok::Ident(first) => {
                // A path: ident (:: ident)*, not preceded by `::` or `.`.
                // Not the tail of something else (`x.y`, `Vec::<u8>::new`);
                // a leading `::` (`::std::sync`) starts a path.
                let preceded = i > 0
                    && match toks[i - 1].0 {
                        Tok::Punct('.') => true,
                        Tok::PathSep => {
                            i >= 2 && matches!(toks[i - 2].0, Tok::Ident(_) | Tok::Punct('>'))
                        }
                        _ => false,
                    };
                let line = toks[i].1;
                let mut path = vec![first.clone()];
                let mut j = i + 1;
                while j + 1 < toks.len() && toks[j].0 == Tok::PathSep {
                    match &toks[j + 1].0 {
                        Tok::Ident(next) => {
                            path.push(next.clone());
                            j += 2;
                        }
                        _ => break,
                    }
                }
                // A name imported from a forbidden path was reported at its `use`.
                let reported_at_use = aliases
                    .get(&path[0])
                    .is_some_and(|target| forbidden(&resolve(target, &aliases, 0)));
                if !preceded && path.len() > 1 && !reported_at_use {
                    let mut candidates = vec![resolve(&path, &aliases, 0)];
                    if !aliases.contains_key(&path[0]) && !local_items.contains(&path[0]) {
                        candidates.extend(globs.iter().map(|g| {
                            let mut full = g.clone();
                            full.extend(path.iter().cloned());
                            full
                        }));
                    }
                    if let Some(hit) = candidates.iter().find(|c| forbidden(c)) {
                        // Show the forbidden prefix and one more segment:
                        // `std::sync::Mutex`, not `std::sync::Mutex::new`.
                        let shown = policy
                            .forbid
                            .iter()
                            .filter(|f| starts_with(hit, f))
                            .map(|f| (f.len() + 1).min(hit.len()))
                            .max()
                            .unwrap_or(hit.len());
                        findings.insert((line, format!("`{}`", hit[..shown].join("::"))));
                    }
                }
                i = j.max(i + 1);
            }
            _ => i += 1,
        }
    }
    findings.into_iter().collect()
}

/// Replaces an alias at the head of `path` by what it stands for
/// (`use std::sync::Mutex;` binds `Mutex` to `std::sync::Mutex`).
fn resolve(path: &[String], aliases: &BTreeMap<String, Vec<String>>, depth: usize) -> Vec<String> {
    let Some(target) = path.first().and_then(|first| aliases.get(first)) else {
        return path.to_vec();
    };
    let mut full = target.clone();
    full.extend(path[1..].iter().cloned());
    if depth >= 8 || full == path {
        return full;
    }
    resolve(&full, aliases, depth + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(forbid: &[&str], allow_unsafe: bool) -> FacadePolicy {
        let split = |p: &&str| p.split("::").map(str::to_string).collect();
        FacadePolicy {
            forbid: forbid.iter().map(split).collect(),
            allow: ["std::sync::Arc", "std::sync::atomic::Ordering"]
                .iter()
                .map(split)
                .collect(),
            allow_unsafe,
        }
    }

    fn found(src: &str) -> Vec<String> {
        scan_source(
            src,
            &policy(
                &[
                    "std::sync",
                    "std::thread",
                    "core::sync",
                    "threadlings::sync::mpsc",
                ],
                false,
            ),
        )
        .into_iter()
        .map(|(line, what)| format!("{line}: {what}"))
        .collect()
    }

    #[test]
    fn the_facade_and_unrelated_std_paths_are_fine() {
        let src = r#"
            use threadlings::sync::{Arc, Mutex};
            use threadlings::thread;
            use std::collections::HashMap;
            // std::sync::Mutex in a comment
            /* and std::thread::spawn in /* a nested */ block comment */
            fn f() -> String { let s = "std::sync::Mutex"; let c = '"'; std::thread_local!(static X: u8 = 0); format!("{s}{c}") }
            fn g<'a>(x: &'a str) -> &'a str { x }
            struct Barrier; impl Barrier { fn new() -> Barrier { Barrier } }
        "#;
        assert_eq!(found(src), Vec::<String>::new());
    }

    #[test]
    fn std_sync_is_found_however_it_is_written() {
        let src = "use std::sync::Mutex;\n\
                   use std::{collections::HashMap, sync::{Arc, atomic::AtomicBool}};\n\
                   use std as s;\n\
                   fn f() { let m = ::std::sync::Mutex::new(0); s::thread::spawn(|| {}); }\n\
                   use core::sync::atomic::AtomicUsize as Counter;\n";
        assert_eq!(
            found(src),
            vec![
                "1: `std::sync::Mutex`",
                "2: `std::sync::atomic::AtomicBool`",
                "4: `std::sync::Mutex`",
                "4: `std::thread::spawn`",
                "5: `core::sync::atomic::AtomicUsize`",
            ]
        );
    }

    #[test]
    fn globs_and_module_aliases_are_followed() {
        let src = "use threadlings::sync::*;\n\
                   use std::thread as t;\n\
                   fn f() { let (tx, rx) = mpsc::channel::<u8>(); t::spawn(|| {}); }\n";
        assert_eq!(
            found(src),
            // `t::spawn` is reported where `t` is imported, not again.
            vec!["2: `std::thread`", "3: `threadlings::sync::mpsc::channel`"]
        );
    }

    #[test]
    fn what_the_facade_re_exports_unchanged_is_allowed() {
        let src = "use std::sync::{Arc, Mutex, atomic::Ordering};\n\
                   fn f() { let o = std::sync::atomic::Ordering::SeqCst; }\n";
        assert_eq!(found(src), vec!["1: `std::sync::Mutex`"]);
    }

    #[test]
    fn unsafe_is_found_unless_allowed() {
        let src = "fn f() { unsafe { core::hint::unreachable_unchecked() } }\n";
        assert_eq!(found(src), vec!["1: `unsafe`"]);
        assert!(scan_source(src, &policy(&["std::sync"], true)).is_empty());
    }

    #[test]
    fn raw_strings_hide_nothing_real() {
        let src = "fn f() { let x = r#\"std::sync::Mutex \"quoted\"\"#; let y = b\"std::thread\"; }\n\
                   use std::thread::spawn;\n";
        assert_eq!(found(src), vec!["2: `std::thread::spawn`"]);
    }

    /// Every exercise with race checks declares a facade policy, and its
    /// stub, its reference solution and every known-wrong answer pass the
    /// scan (so their race checks grade them): the moved exercises (10, 12,
    /// 13, 14) as well as 04-08.
    #[test]
    fn every_race_exercise_has_a_policy_that_its_own_answers_pass() {
        use threadlings_schema::report::CheckKind;

        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the grader sits in the course");
        let course = crate::course::load(root).expect("the course loads");
        let mut checked = Vec::new();
        for exercise in &course.exercises {
            if !exercise.checks.iter().any(|c| c.kind == CheckKind::Race) {
                continue;
            }
            let policy = super::policy(exercise)
                .expect("the manifest parses")
                .unwrap_or_else(|| {
                    panic!(
                        "{} has race checks but no [package.metadata.threadlings.facade]",
                        exercise.name
                    )
                });
            let solution = root.join("solutions").join(&exercise.name).join("src");
            let mut findings = Vec::new();
            for (what, src) in [
                ("stub", exercise.exercise_dir.join("src")),
                ("solution", solution.clone()),
            ] {
                findings.extend(
                    scan(&src, &policy)
                        .into_iter()
                        .map(|f| format!("{what}: {f:?}")),
                );
            }
            for wrong in &exercise.wrong_answers {
                let files = super::super::sync::collect(&[solution.clone(), wrong.dir.join("src")])
                    .expect("the wrong answer's layers");
                let laid = tempfile::tempdir().expect("a temporary directory");
                let src = laid.path().join("src");
                super::super::sync::mirror(&files, &src).expect("the wrong answer laid out");
                findings.extend(
                    scan(&src, &policy)
                        .into_iter()
                        .map(|f| format!("wrong/{}: {f:?}", wrong.name)),
                );
            }
            assert!(findings.is_empty(), "{}: {findings:#?}", exercise.name);
            checked.push(exercise.name.clone());
        }
        for moved in [
            "10-io-concurrency",
            "12-thread-pool",
            "13-ipc",
            "14-crawler",
        ] {
            assert!(
                checked.iter().any(|c| c == moved),
                "{moved} has no race check: {checked:?}"
            );
        }
    }
}
