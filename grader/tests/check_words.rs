//! Every sentence a check crate writes has its Korean beside it: a string
//! literal with English words in `grader/checks/*/src` (and in the kit,
//! `grader/kit/src`, whose sentences land in the same reports) must be one of the two
//! format strings of the kit's `t!` (the English, then the Korean), or be
//! marked as data (`// data: why` on its line or the line before: a web
//! page the crawler serves, rows the data exercise parses). Test modules
//! (from a file's first `#[cfg(test)]` on, and `tests.rs` files) are not shown to students and are not scanned.

use std::path::{Path, PathBuf};

/// The check crates, and the kit whose sentences land in the same reports.
fn scanned_dirs() -> Vec<PathBuf> {
    let grader = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    vec![grader.join("checks"), grader.join("kit/src")]
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|name| name != "tests.rs")
        {
            out.push(path);
        }
    }
}

/// A string literal: where it starts (byte offset, line) and its text.
struct Literal {
    start: usize,
    line: usize,
    text: String,
}

/// The string literals of `src` outside comments (plain, raw, byte).
fn literals(src: &str) -> Vec<Literal> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < bytes.len() {
        let rest = &src[i..];
        let c = bytes[i];
        if c == b'\n' {
            line += 1;
            i += 1;
        } else if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(rest.len(), |e| e + 2);
            line += rest[..end].matches('\n').count();
            i += end;
        } else if let Some((open, close)) = raw_string_start(src, i) {
            let body_start = i + open;
            let body_len = src[body_start..].find(&close).unwrap();
            let text = &src[body_start..body_start + body_len];
            out.push(Literal {
                start: i,
                line,
                text: text.to_string(),
            });
            line += text.matches('\n').count();
            i = body_start + body_len + close.len();
        } else if c == b'\'' {
            // A char literal ('x', '\n', '\''); otherwise a lifetime.
            let char_len = rest[1..].char_indices().nth(1).map_or(0, |(k, _)| k + 1);
            if rest[1..].starts_with('\\') {
                i += rest[2..].find('\'').map_or(1, |k| k + 3);
            } else if rest[char_len..].starts_with('\'') {
                i += char_len + 1;
            } else {
                i += 1;
            }
        } else if c == b'"' {
            let mut j = i + 1;
            while bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let text = &src[i + 1..j];
            out.push(Literal {
                start: i,
                line,
                text: text.to_string(),
            });
            line += text.matches('\n').count();
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// `r"`, `r#"`, `br##"`…: the length of the opening and the closing text.
fn raw_string_start(src: &str, i: usize) -> Option<(usize, String)> {
    let before = src[..i].chars().next_back();
    if before.is_some_and(|b| b.is_alphanumeric() || b == '_') {
        return None;
    }
    let rest = src[i..].strip_prefix('b').unwrap_or(&src[i..]);
    let prefix = src.len() - i - rest.len();
    let rest = rest.strip_prefix('r')?;
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    rest[hashes..]
        .starts_with('"')
        .then(|| (prefix + 1 + hashes + 1, format!("\"{}", "#".repeat(hashes))))
}

/// Three or more words (runs of letters between spaces, trailing
/// punctuation aside) outside `{…}` placeholders: a sentence, not a call
/// like `"spawn_workers(0, worker)"` or a name like `"Counter::new"`.
fn is_english(text: &str) -> bool {
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let words = plain
        .split_whitespace()
        .map(|w| w.trim_start_matches(['(', '"', '`']))
        .map(|w| w.trim_end_matches([',', '.', ':', ';', '!', '?', ')', '"', '`']))
        .filter(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_alphabetic() || c == '\''))
        .count();
    words >= 3
}

/// Whether `text` ends with the macro `t!(` itself (not `format!(`).
fn ends_with_t(text: &str) -> bool {
    text.strip_suffix("t!(").is_some_and(|head| {
        !head
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Whether the literal at `start` is the English or the Korean of a `t!`.
fn inside_t(src: &str, start: usize) -> bool {
    let before = src[..start].trim_end();
    if ends_with_t(before) {
        return true;
    }
    // The Korean: `t!(` then the English literal and a comma.
    let Some(before) = before.strip_suffix(',') else {
        return false;
    };
    let before = before.trim_end();
    let Some(english_end) = before.strip_suffix('"') else {
        return false;
    };
    let mut k = english_end.len();
    let bytes = english_end.as_bytes();
    loop {
        let Some(q) = english_end[..k].rfind('"') else {
            return false;
        };
        let escapes = bytes[..q].iter().rev().take_while(|b| **b == b'\\').count();
        if escapes % 2 == 0 {
            return ends_with_t(english_end[..q].trim_end());
        }
        k = q;
    }
}

/// `// data: why` at the end of the literal's line, or alone on the line
/// before it.
fn marked_as_data(lines: &[&str], line: usize) -> bool {
    let text = |n: usize| n.checked_sub(1).and_then(|k| lines.get(k)).copied();
    text(line).is_some_and(|l| l.contains("// data:"))
        || text(line - 1).is_some_and(|l| l.trim_start().starts_with("// data:"))
}

fn untranslated(path: &Path) -> Vec<String> {
    let full = std::fs::read_to_string(path).unwrap();
    let src = match full.find("#[cfg(test)]") {
        Some(k) => &full[..k],
        None => &full[..],
    };
    let lines: Vec<&str> = src.lines().collect();
    literals(src)
        .into_iter()
        .filter(|l| is_english(&l.text))
        .filter(|l| !inside_t(src, l.start) && !marked_as_data(&lines, l.line))
        .map(|l| {
            let shown: String = l.text.chars().take(70).collect();
            format!("{}:{}: \"{shown}\"", path.display(), l.line)
        })
        .collect()
}

#[test]
fn every_sentence_a_check_writes_has_its_korean() {
    let mut files = Vec::new();
    for dir in scanned_dirs() {
        rust_files(&dir, &mut files);
    }
    files.sort();
    assert!(files.len() > 16, "the checks are where they were");
    let missing: Vec<String> = files.iter().flat_map(|f| untranslated(f)).collect();
    assert!(
        missing.is_empty(),
        "{} English sentences in check crates without their Korean (write them with \
         threadlings_kit::t!(\"English\", \"한국어\", args…)):\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn the_scan_finds_english_outside_t_and_accepts_both_languages_inside() {
    let src = r####"
fn f() {
    // a comment with many English words is not a literal
    ensure!(ok, "the total must be {expected} here");
    fail!(format!("a message built by format"));
    ensure!(ok, t!("the total must be {expected}", "합계는 {expected}이어야 합니다"));
    let what = t!(
        "two threads \"adding\" at once",
        "동시에 \"더하는\" 두 스레드",
    );
    let page = "<a href=x>a link to follow</a>"; // data: the page the crawler reads
    // data: rows the exercise parses
    let rows = "name,age and other words";
    let raw = r#"a raw "string" with words"#;
    let c = '"'; let d = 'x'; let e: &'static str = "short";
}
"####;
    let found: Vec<(usize, String)> = literals(src)
        .into_iter()
        .filter(|l| is_english(&l.text))
        .filter(|l| {
            !inside_t(src, l.start) && !marked_as_data(&src.lines().collect::<Vec<_>>(), l.line)
        })
        .map(|l| (l.line, l.text))
        .collect();
    assert_eq!(
        found,
        vec![
            (4, "the total must be {expected} here".to_string()),
            (5, "a message built by format".to_string()),
            (14, "a raw \"string\" with words".to_string()),
        ]
    );
}
