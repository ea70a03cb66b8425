//! The command that runs one check again with the same seed.

use crate::Ctx;

/// `cargo run -p check-<topic> -- <check> --seed <seed>`, with the loom
/// flags when this program is the `loom` build and the shuttle flags when it
/// is the `shuttle` build, and `--budget ...` when the metadata sets a budget
/// for the check. Run it from the course root; it grades whatever is in
/// `exercises/`.
pub fn replay_command(ctx: &Ctx) -> String {
    let package = std::env::args()
        .next()
        .and_then(|program| {
            std::path::Path::new(&program)
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "check-<topic>".to_string());
    let (prefix, target) = if cfg!(loom) {
        ("RUSTFLAGS=\"--cfg loom\" ", " --target-dir target/loom")
    } else if cfg!(shuttle) {
        (
            "RUSTFLAGS=\"--cfg shuttle\" ",
            " --target-dir target/shuttle",
        )
    } else {
        ("", "")
    };
    format!(
        "{prefix}cargo run -p {package}{target} -- {} --seed {}{}",
        ctx.name(),
        ctx.seed(),
        ctx.budget_flag()
    )
}
