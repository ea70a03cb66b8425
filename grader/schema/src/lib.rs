//! The stable data model of Threadlings.
//!
//! Two programs must agree on these types: the check programs (built with the
//! kit, compiled against untrusted exercise code) and the grader that runs them.
//! Keeping the wire protocol, the report schema and the exit codes in one small
//! crate with no logic is what lets both sides, and external tools reading the
//! JSON report, evolve without breaking each other. Extend these types; never
//! rename a field.

pub mod budget;
pub mod exit_codes;
pub mod protocol;
pub mod report;
