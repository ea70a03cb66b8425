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
            Err(Stop::Fail(Failure::new(format!(
                "metadata error: budget key `{first}` is not used by a {kind} check (check \
                 `{}` in its checks.toml; a {kind} check's budget takes {} and `max_ms`)",
                ctx.name(),
                keys.join(", ")
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
