//! The course: which exercises exist, in what order, and what each check is
//! worth. Read from data files (`course.toml`, `grader/checks/NN-topic/checks.toml`,
//! `solutions/NN-topic/wrong/*/wrong.toml`) so instructors tune the course
//! without touching Rust code.

mod plan;
mod raw;
pub mod readme_table;

pub use plan::{
    CheckPlan, CompileBounds, Course, ExercisePlan, Variant, WrongAnswer, find_root,
    is_exercise_name, load,
};
pub use raw::GradescopeVisibility;
