//! The check author's Korean in the reports people read (and the
//! exercise's Korean title, from its metadata).
//!
//! A check writes its own sentences (a failure, a scenario's name, an
//! invariant, a skip's reason) with the kit's `t!`, which keeps the English
//! in every field and sends the Korean beside it. The grader keeps, per
//! check, the pairs whose English its report quotes ([`quoted`]), and the
//! human and HTML reports in Korean put the Korean in their place
//! ([`localized`]) before the catalogs word everything around them. The
//! machine formats keep the English (and carry the pairs as `words_ko`).
//!
//! The replacement is by text, on the report's data: a field that is one of
//! the author's sentences or names is replaced whole; a phrase (words with a
//! space between them) quoted inside a longer text (an `assert_eq!`'s panic
//! message, a label inside another sentence, also inside the Korean of
//! another `t!`) is replaced where it appears as whole words, longest first.
//! A one-word name ("writer") is replaced only where it is the whole field,
//! so it never rewrites a piece of another text.

use std::collections::BTreeMap;

use threadlings_schema::report::{CheckReport, GradeReport};

/// The pairs of `words` whose English `report` quotes somewhere.
pub fn quoted(report: &CheckReport, words: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    if words.is_empty() {
        return BTreeMap::new();
    }
    let Ok(value) = serde_json::to_value(report) else {
        return BTreeMap::new();
    };
    let mut texts = Vec::new();
    strings(&value, &mut texts);
    words
        .iter()
        .filter(|(en, _)| {
            texts.iter().any(|text| {
                text == *en || (is_phrase(en) && replace_phrase(text, en, "").is_some())
            })
        })
        .map(|(en, ko)| (en.clone(), ko.clone()))
        .collect()
}

/// `report` as the reports in `lang` show it: in Korean, [`localized`].
pub fn in_lang(report: &GradeReport, lang: crate::i18n::Lang) -> std::borrow::Cow<'_, GradeReport> {
    match lang {
        crate::i18n::Lang::Ko => std::borrow::Cow::Owned(localized(report)),
        crate::i18n::Lang::En => std::borrow::Cow::Borrowed(report),
    }
}

/// `report` with every check's quoted English replaced by its Korean.
pub fn localized(report: &GradeReport) -> GradeReport {
    let mut report = report.clone();
    for exercise in &mut report.exercises {
        if let Some(title) = &exercise.title_ko {
            exercise.title = title.clone();
        }
        for check in &mut exercise.checks {
            if !check.words_ko.is_empty() {
                *check = localized_check(check);
            }
        }
    }
    report
}

fn localized_check(check: &CheckReport) -> CheckReport {
    let mut words: Vec<(&String, &String)> = check.words_ko.iter().collect();
    // The longest first: a sentence that contains another is replaced whole.
    words.sort_by_key(|(en, _)| std::cmp::Reverse(en.len()));
    let Ok(mut value) = serde_json::to_value(check) else {
        return check.clone();
    };
    if let Some(object) = value.as_object_mut() {
        for (key, field) in object.iter_mut() {
            if key != "words_ko" {
                replace(field, &words);
            }
        }
    }
    serde_json::from_value(value).unwrap_or_else(|_| check.clone())
}

fn replace(value: &mut serde_json::Value, words: &[(&String, &String)]) {
    match value {
        serde_json::Value::String(text) => {
            if let Some((_, ko)) = words.iter().find(|(en, _)| *en == text) {
                *text = (*ko).clone();
            }
            // Then the phrases quoted inside it (also inside the Korean just
            // put there: a `t!` whose value quotes another `t!`).
            for (en, ko) in words.iter().filter(|(en, _)| is_phrase(en)) {
                if let Some(replaced) = replace_phrase(text, en, ko) {
                    *text = replaced;
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|item| replace(item, words)),
        serde_json::Value::Object(fields) => {
            fields.values_mut().for_each(|field| replace(field, words))
        }
        _ => {}
    }
}

/// `text` with every whole-word occurrence of `en` replaced by `ko`; `None`
/// when there is none.
fn replace_phrase(text: &str, en: &str, ko: &str) -> Option<String> {
    // English letters and digits: a Korean particle right after the English
    // ("…panics이(가)") does not make it part of a longer word.
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut out = String::new();
    let mut rest = text;
    let mut found = false;
    while let Some(at) = rest.find(en) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + en.len()..].chars().next();
        // Not glued to a letter on either side (a phrase that starts or
        // ends with punctuation may touch one there).
        let glued_before = word(before) && word(en.chars().next());
        let glued_after = word(after) && word(en.chars().next_back());
        let whole = !glued_before && !glued_after;
        out.push_str(&rest[..at]);
        out.push_str(if whole { ko } else { en });
        found |= whole;
        rest = &rest[at + en.len()..];
    }
    out.push_str(rest);
    found.then_some(out)
}

fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => out.push(text.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
        serde_json::Value::Object(fields) => fields.values().for_each(|field| strings(field, out)),
        _ => {}
    }
}

fn is_phrase(text: &str) -> bool {
    text.trim().contains(' ')
}

#[cfg(test)]
mod tests {
    use super::*;
    use threadlings_schema::report::{CheckKind, CheckStatus, ExerciseReport, ExerciseStatus};

    fn check(message: &str, output: &str) -> CheckReport {
        CheckReport {
            message: message.to_string(),
            output: Some(output.to_string()),
            ..CheckReport::without_evidence("c", CheckKind::Race, CheckStatus::Failed, 1.0, 1)
        }
    }

    fn pairs(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter()
            .map(|(en, ko)| (en.to_string(), ko.to_string()))
            .collect()
    }

    #[test]
    fn only_the_pairs_the_report_quotes_are_kept() {
        let words = pairs(&[
            ("the total must be 2", "합계는 2여야 합니다"),
            ("writer", "작성자"),
            ("a sentence nobody quoted", "아무도 인용하지 않은 문장"),
        ]);
        let report = check("the total must be 2 (left: 1, right: 2)", "writer");
        assert_eq!(
            quoted(&report, &words),
            pairs(&[
                ("the total must be 2", "합계는 2여야 합니다"),
                ("writer", "작성자")
            ])
        );
    }

    #[test]
    fn whole_fields_and_quoted_sentences_become_korean_and_short_words_only_whole() {
        let mut c = check(
            "the total must be 2 (left: 1, right: 2)",
            "the writer wrote: writer",
        );
        c.race = None;
        c.replay = Some("the start of the start".to_string());
        c.words_ko = pairs(&[
            ("the total must be 2", "합계는 2여야 합니다"),
            ("writer", "작성자"),
            ("the start", "처음"),
            ("linked from the start failed", "the start에서 링크됨 실패"),
        ]);
        let mut report = GradeReport {
            format_version: 1,
            subject: "s".to_string(),
            seed: 1,
            score: 0.0,
            max_score: 2.0,
            duration_ms: 0,
            exercises: vec![ExerciseReport {
                name: "e".to_string(),
                title: "t".to_string(),
                topic: "t".to_string(),
                score: 0.0,
                max_score: 2.0,
                status: ExerciseStatus::Failed,
                checks: vec![c.clone()],
                build_errors: None,
                integrity: Vec::new(),
                title_ko: None,
                reused: None,
            }],
        };
        report.exercises[0].checks.push(CheckReport {
            output: Some("writer".to_string()),
            ..c.clone()
        });
        let korean = localized(&report);
        let first = &korean.exercises[0].checks[0];
        assert_eq!(first.message, "합계는 2여야 합니다 (left: 1, right: 2)");
        assert_eq!(first.replay.as_deref(), Some("처음 of 처음"));
        assert_eq!(first.output.as_deref(), Some("the writer wrote: writer"));
        assert_eq!(
            korean.exercises[0].checks[1].output.as_deref(),
            Some("작성자")
        );
        assert_eq!(first.words_ko, c.words_ko, "the pairs themselves stay");
        assert_eq!(
            report.exercises[0].checks[0], c,
            "the original is untouched"
        );
    }

    #[test]
    fn a_phrase_inside_the_korean_of_another_is_replaced_and_only_as_whole_words() {
        let words = pairs(&[
            ("linked from the start", "처음에서 링크됨"),
            ("the start", "처음"),
            (
                "page x is missing (linked from the start)",
                "x 페이지가 없습니다(linked from the start)",
            ),
        ]);
        let words: Vec<(&String, &String)> = {
            let mut list: Vec<_> = words.iter().collect();
            list.sort_by_key(|(en, _)| std::cmp::Reverse(en.len()));
            list
        };
        let mut value = serde_json::json!([
            "page x is missing (linked from the start)",
            "the starting line",
            "restart the start",
            "the start이(가) 반환하지 않았습니다"
        ]);
        replace(&mut value, &words);
        assert_eq!(
            value,
            serde_json::json!([
                "x 페이지가 없습니다(처음에서 링크됨)",
                "the starting line",
                "restart 처음",
                "처음이(가) 반환하지 않았습니다"
            ])
        );
    }
}
