//! The metadata's budget (`budget = { ... }` in `checks.toml`), as each tool
//! takes it: the keys that tool uses, or a metadata error naming the others.

use threadlings_schema::budget::Budget;

use crate::{Ctx, Failure, Stop};

/// The budget of `ctx` for a tool (`kind`: "stress", "exploration",
/// "model") that uses only `uses` (and `max_ms`); a key it does not use fails
/// the check as a metadata error rather than being ignored.
pub(crate) fn for_tool(ctx: &Ctx, kind: &str, uses: &[&str]) -> Result<Budget, Stop> {
    let budget = ctx.budget();
    let unused: Vec<&str> = budget
        .entries()
        .map(|(key, _)| key)
        .filter(|key| *key != "max_ms" && !uses.contains(key))
        .collect();
    match unused.as_slice() {
        [] => Ok(budget),
        [first, ..] => {
            let keys: Vec<String> = uses.iter().map(|k| format!("`{k}`")).collect();
            let (check, keys) = (ctx.name(), keys.join(", "));
            // The tool in Korean (the callers' kinds, above).
            let kind_ko = match kind {
                "stress" => "스트레스",
                "exploration" => "스케줄 탐색",
                "random-scheduler exploration" => "무작위 스케줄러 스케줄 탐색",
                "model" => "모델",
                "linearizability stress" => "선형화 가능성 스트레스",
                "litmus stress" => "litmus 스트레스",
                other => other,
            };
            Err(Stop::Fail(Failure::new(crate::t!(
                "metadata error: budget key `{first}` is not used by a {kind} check (check \
                 `{check}` in its checks.toml; a {kind} check's budget takes {keys} and `max_ms`)",
                "메타데이터 오류: budget 키 `{first}`은(는) {kind_ko} 검사에서 쓰이지 않습니다\
                 (checks.toml의 검사 `{check}`; {kind_ko} 검사의 budget은 {keys}와(과) `max_ms`를 \
                 받습니다)"
            ))))
        }
    }
}

#[cfg(test)]
mod tests {
    use threadlings_schema::budget::Budget;

    use super::for_tool;
    use crate::{Ctx, Stop};

    #[test]
    fn a_key_the_tool_does_not_use_is_a_metadata_error() {
        let budget = Budget::parse("schedules=5,max_ms=100").unwrap();
        let ctx = Ctx::new("bank_stress", 1).with_budget(budget);
        let Err(Stop::Fail(failure)) = for_tool(&ctx, "stress", &["rounds"]) else {
            panic!("`schedules` must not be ignored by a stress check");
        };
        assert!(
            failure.message.starts_with(
                "metadata error: budget key `schedules` is not used by a stress check"
            ),
            "{}",
            failure.message
        );
        assert!(
            failure.message.contains("`bank_stress`"),
            "{}",
            failure.message
        );
        assert_eq!(
            for_tool(&ctx, "exploration", &["schedules", "depth"]),
            Ok(budget)
        );
    }
}
