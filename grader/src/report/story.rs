//! One bug, one story: when several race checks of one exercise fail for the
//! same reason, the human report shows the clearest evidence once (a model
//! check's trace before an exploration's before a stress round's) and gives
//! each other check one line saying it caught the same bug; points stay per
//! check. Also here: the default human view of a check's message, without
//! the check program's own replay command, seed and shuttle schedule (the
//! grader's `replay` line says it better; `--verbose` and the JSON keep
//! them).
//!
//! "The same reason" is decided from data, never from the wording: two failed
//! race checks of one exercise tell one story when their names belong to one
//! scenario family (the name without its tool suffix, `_stress`, `_explore`
//! or `_model`, and then without `_lin` or `_litmus`: `counter_stress`,
//! `counter_explore` and `counter_model` are `counter`, `queue_lin_model`
//! is `queue`), or when both traces name the same kind of cause (lost update,
//! stale read, lost wake-up, deadlock) on objects created at the same place
//! in the code (the objects' `detail`, e.g. `mutex protecting u64, created
//! at src/lib.rs:47:20`). docs/design.md has the rule and why.

use threadlings_schema::report::{
    CheckKind, CheckReport, CheckStatus, Trace, TraceCause, TraceExecution,
};

/// The tool suffixes of check names, the clearest evidence first.
const TOOL_SUFFIXES: [(&str, u8); 3] = [("_model", 3), ("_explore", 2), ("_stress", 1)];

/// Failed checks of one exercise that caught the same bug: `lead` is shown in
/// full, `also` (in the exercise's check order) one line each.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    /// Index of the check whose evidence is shown.
    pub lead: usize,
    /// Indices of the other checks that caught the same bug.
    pub also: Vec<usize>,
}

impl Story {
    /// Every member, in the exercise's check order.
    pub fn members(&self) -> Vec<usize> {
        let mut all = self.also.clone();
        all.push(self.lead);
        all.sort_unstable();
        all
    }
}

/// The stories of an exercise's checks with more than one member, in the
/// order of their first member. A check in none of them stands alone.
pub fn stories(checks: &[CheckReport]) -> Vec<Story> {
    let candidates: Vec<usize> = (0..checks.len())
        .filter(|&i| tells_a_story(&checks[i]))
        .collect();
    // Groups of indices, merged whenever a check joins two of them.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &i in &candidates {
        let joined: Vec<usize> = (0..groups.len())
            .filter(|&g| {
                groups[g]
                    .iter()
                    .any(|&j| same_reason(&checks[i], &checks[j]))
            })
            .collect();
        match joined.split_first() {
            None => groups.push(vec![i]),
            Some((&first, rest)) => {
                for &g in rest.iter().rev() {
                    let moved = groups.remove(g);
                    groups[first].extend(moved);
                }
                groups[first].push(i);
                groups[first].sort_unstable();
            }
        }
    }
    groups.sort_by_key(|g| g[0]);
    groups
        .into_iter()
        .filter(|g| g.len() > 1)
        .map(|group| {
            let lead = *group
                .iter()
                .rev()
                .max_by_key(|&&i| clarity(&checks[i]))
                .expect("a story has members");
            let also = group.into_iter().filter(|&i| i != lead).collect();
            Story { lead, also }
        })
        .collect()
}

/// Whether a check can be part of a story: a race check that failed (a
/// deadlock found by a stress run may end as a timeout).
fn tells_a_story(check: &CheckReport) -> bool {
    check.kind == CheckKind::Race
        && matches!(check.status, CheckStatus::Failed | CheckStatus::Timeout)
}

/// Whether two failed race checks of one exercise caught the same bug.
pub fn same_reason(a: &CheckReport, b: &CheckReport) -> bool {
    family(&a.name) == family(&b.name) || same_cause(a, b)
}

/// What a check judges the type against, after its tool: a sequential
/// model (`_lin`) or an outcome table (`_litmus`) of the same type.
const JUDGE_SUFFIXES: [&str; 2] = ["_lin", "_litmus"];

/// A check's scenario family: its name without the tool suffix, then
/// without a judge suffix (`queue_lin_explore` and `queue_model` are both
/// `queue`).
pub fn family(name: &str) -> &str {
    let name = TOOL_SUFFIXES
        .iter()
        .find_map(|(suffix, _)| without(name, suffix))
        .unwrap_or(name);
    JUDGE_SUFFIXES
        .iter()
        .find_map(|suffix| without(name, suffix))
        .unwrap_or(name)
}

/// `name` without `suffix`, unless nothing would be left.
fn without<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    name.strip_suffix(suffix).filter(|rest| !rest.is_empty())
}

/// Both traces name the same kind of cause on objects created at the same
/// place.
fn same_cause(a: &CheckReport, b: &CheckReport) -> bool {
    let (Some(ta), Some(tb)) = (&a.trace, &b.trace) else {
        return false;
    };
    let kind = |cause: &Option<TraceCause>| match cause {
        Some(TraceCause::LostUpdate { .. }) => Some("lost_update"),
        Some(TraceCause::StaleRead { .. }) => Some("stale_read"),
        Some(TraceCause::LostWakeup { .. }) => Some("lost_wakeup"),
        Some(TraceCause::Deadlock { .. }) => Some("deadlock"),
        Some(TraceCause::Failed) | None => None,
    };
    let Some(kind_a) = kind(&ta.cause) else {
        return false;
    };
    kind(&tb.cause) == Some(kind_a)
        && ta
            .objects
            .iter()
            .any(|oa| !oa.detail.is_empty() && tb.objects.iter().any(|ob| ob.detail == oa.detail))
}

/// How clear a check's evidence is: a trace beats none, then a model check
/// (every interleaving, the smallest scenario) beats an exploration beats a
/// stress round. The tool is read from the trace's execution, else from
/// the check's name.
pub fn clarity(check: &CheckReport) -> (bool, u8) {
    let tool = match &check.trace {
        Some(Trace {
            execution: Some(execution),
            ..
        }) => match execution {
            TraceExecution::Model { .. } => 3,
            TraceExecution::Exploration { .. } => 2,
            TraceExecution::Stress { .. } => 1,
        },
        // A trace older than its data: the tool is its label's first word.
        Some(trace) if trace.label.starts_with("loom") => 3,
        Some(trace) if trace.label.starts_with("shuttle") => 2,
        Some(trace) if trace.label.starts_with("stress") => 1,
        _ => TOOL_SUFFIXES
            .iter()
            .find(|(suffix, _)| check.name.ends_with(suffix))
            .map_or(0, |(_, rank)| *rank),
    };
    (check.trace.is_some(), tool)
}

/// A check's message as the default human view shows it: without the check
/// program's own replay command and seed (`seed 7; replay: RUSTFLAGS=...
/// cargo run -p check-... --target-dir ...`, which the grader's `replay`
/// line replaces), without shuttle's encoded schedule, and with an
/// `assert_eq!`'s `left:`/`right:` lines folded into its sentence.
pub fn plain_message(message: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut source = message.lines().peekable();
    while let Some(line) = source.next() {
        if line.trim_start().starts_with("shuttle schedule: ") {
            continue;
        }
        let line = without_replay(line);
        if line.trim().is_empty() {
            continue;
        }
        if let Some((indent, said)) = line
            .split_once("assertion `left == right` failed: ")
            .filter(|(indent, _)| indent.trim().is_empty())
        {
            let left = source
                .next_if(|l| l.trim_start().starts_with("left: "))
                .map(|l| l.trim_start()["left: ".len()..].to_string());
            let right = source
                .next_if(|l| l.trim_start().starts_with("right: "))
                .map(|l| l.trim_start()["right: ".len()..].to_string());
            let values = match (left, right) {
                (Some(l), Some(r)) => format!(" (left: {l}, right: {r})"),
                _ => String::new(),
            };
            lines.push(format!("{indent}{said}{values}"));
            continue;
        }
        lines.push(line);
    }
    let mut text = lines.join("\n");
    if message.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// `line` without a `seed N; replay: <command>` (or `seed N; <command>`)
/// the check program wrote: in parentheses of its own the parentheses go
/// too; after `; ` inside other parentheses, the separator goes.
fn without_replay(line: &str) -> String {
    let Some(at) = replay_start(line) else {
        return line.to_string();
    };
    let before = &line[..at];
    let command = &line[at..];
    // The command runs to the end of the line, or to the `)` that closes
    // the parenthesis it was written in.
    if let Some(head) = before.strip_suffix('(') {
        return head.trim_end().to_string();
    }
    if let Some(head) = before.strip_suffix("; ") {
        let close = if command.ends_with(')') { ")" } else { "" };
        return format!("{head}{close}");
    }
    before.trim_end().to_string()
}

/// Where `seed <digits>; [replay: ]<command>` starts in `line`, if it does.
fn replay_start(line: &str) -> Option<usize> {
    line.match_indices("seed ").find_map(|(at, _)| {
        let after = &line[at + "seed ".len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let rest = after[digits..].strip_prefix("; ")?;
        let rest = rest.strip_prefix("replay: ").unwrap_or(rest);
        (digits > 0 && (rest.starts_with("cargo ") || rest.starts_with("RUSTFLAGS="))).then_some(at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_programs_replay_commands_leave_the_plain_message() {
        let message = "invariant violated in an interleaving of 3 threads (PCT scheduler, depth 3):
  every addition counts
shuttle schedule: 91023dcb92cbb9ecfefecbdd
The schedules are a function of the seed: the same seed explores the same ones and fails at this one on every run (seed 821626; replay: RUSTFLAGS=\"--cfg shuttle\" cargo run -p check-shared_state --target-dir target/shuttle -- counter_explore --seed 821626)
  expected: 30";
        assert_eq!(
            plain_message(message),
            "invariant violated in an interleaving of 3 threads (PCT scheduler, depth 3):
  every addition counts
The schedules are a function of the seed: the same seed explores the same ones and fails at this one on every run
  expected: 30"
        );
        assert_eq!(
            plain_message(
                "deadlock: a waits for b\n(in round 1 of 60; seed 5; replay: cargo run -p \
                 check-deadlock -- dine_stress --seed 5)"
            ),
            "deadlock: a waits for b\n(in round 1 of 60)"
        );
        assert_eq!(
            plain_message(
                "invariant violated\nseed 821626; replay: cargo run -p check-shared_state -- \
                 counter_stress --seed 821626\n  expected: 747"
            ),
            "invariant violated\n  expected: 747"
        );
        assert_eq!(
            plain_message("a flag was lost\n(seed 3; cargo run -p check-atomics -- x --seed 3)"),
            "a flag was lost"
        );
        // A seed in the check's own words stays.
        assert_eq!(plain_message("seed 3; no command"), "seed 3; no command");
    }

    #[test]
    fn an_assert_eq_is_one_sentence_with_its_values() {
        let message = "the model checker found an interleaving that fails (execution 2):
  assertion `left == right` failed: the total must be 2
  left: 1
 right: 2
This is deterministic: the same interleaving fails on every run (seed 4; replay: RUSTFLAGS=\"--cfg loom\" cargo run -p check-shared_state --target-dir target/loom -- counter_model --seed 4)";
        assert_eq!(
            plain_message(message),
            "the model checker found an interleaving that fails (execution 2):
  the total must be 2 (left: 1, right: 2)
This is deterministic: the same interleaving fails on every run"
        );
    }

    fn check(name: &str, status: CheckStatus) -> CheckReport {
        CheckReport::without_evidence(name, CheckKind::Race, status, 2.0, 1)
    }

    #[test]
    fn a_scenario_family_is_one_story_led_by_its_model_check() {
        let checks = vec![
            check("counter_basics", CheckStatus::Passed),
            check("counter_stress", CheckStatus::Failed),
            check("counter_explore", CheckStatus::Failed),
            check("counter_model", CheckStatus::Failed),
            check("bank_stress", CheckStatus::Failed),
            check("bank_explore", CheckStatus::Passed),
        ];
        assert_eq!(
            stories(&checks),
            vec![Story {
                lead: 3,
                also: vec![1, 2]
            }]
        );
        assert_eq!(family("queue_lin_explore"), "queue");
        assert_eq!(family("queue_lin"), "queue");
        assert_eq!(family("mailbox_litmus_stress"), "mailbox");
        assert_eq!(family("queue_try_pop_explore"), "queue_try_pop");
        assert_eq!(family("_model"), "_model");
    }

    #[test]
    fn the_same_cause_on_the_same_lock_is_one_story_and_a_trace_leads() {
        use threadlings_schema::report::TraceObject;
        let traced = |name: &str, label: &str, detail: &str| CheckReport {
            trace: Some(Trace {
                label: label.to_string(),
                objects: vec![TraceObject {
                    label: "mutex #1".to_string(),
                    detail: detail.to_string(),
                    what: None,
                }],
                cause: Some(TraceCause::Deadlock { threads: vec![] }),
                ..Trace::default()
            }),
            ..check(name, CheckStatus::Failed)
        };
        let here = "mutex protecting u64, created at src/lib.rs:4:5";
        let checks = vec![
            traced("dine_stress", "stress round 1 of 60", here),
            check("lock_both_model", CheckStatus::Failed),
            traced("move_explore", "shuttle schedule 3 of 10", here),
            traced("other_stress", "stress round 2 of 60", "elsewhere"),
        ];
        assert_eq!(
            stories(&checks),
            vec![Story {
                lead: 2,
                also: vec![0]
            }]
        );
    }
}
