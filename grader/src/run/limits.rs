//! The resource limits of one check process, and the notes a report adds when
//! a check ran into one of them.
//!
//! Every limit has a default here, may be changed for the whole course in
//! `course.toml` `[defaults]`, and for one check in its `checks.toml` entry
//! (`memory_mb`, `max_tasks`, `output_kb`, `file_mb`). See docs/sandbox.md.

use threadlings_schema::report::SandboxFinding;

/// What one check process (and everything it starts) may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Memory in MiB: heap, thread stacks and other private writable mappings
    /// (`RLIMIT_DATA`, per process).
    pub memory_mb: u64,
    /// Threads and processes alive at once, counted together (`RLIMIT_NPROC`
    /// under a user id of the check's own when the grader runs as root).
    pub max_tasks: u64,
    /// Output kept for the report, in KiB: the first and the last half. The
    /// rest is counted and dropped, never buffered.
    pub output_kb: u64,
    /// Largest file the check may write, in MiB (`RLIMIT_FSIZE`).
    pub file_mb: u64,
}

impl Limits {
    /// The built-in defaults.
    pub const DEFAULT: Limits = Limits {
        memory_mb: 1024,
        max_tasks: 256,
        output_kb: 16,
        file_mb: 64,
    };

    /// The smallest values that still let a check program start and report.
    pub const MINIMUM: Limits = Limits {
        memory_mb: 32,
        max_tasks: 4,
        output_kb: 1,
        file_mb: 1,
    };

    /// Why `self` cannot be used, naming the metadata key, if it cannot.
    pub fn problem(&self) -> Option<String> {
        let min = Limits::MINIMUM;
        [
            ("memory_mb", self.memory_mb, min.memory_mb),
            ("max_tasks", self.max_tasks, min.max_tasks),
            ("output_kb", self.output_kb, min.output_kb),
            ("file_mb", self.file_mb, min.file_mb),
        ]
        .into_iter()
        .find(|(_, value, min)| value < min)
        .map(|(key, value, min)| format!("{key} = {value} is too small (at least {min})"))
    }

    pub(crate) fn memory_bytes(&self) -> u64 {
        self.memory_mb.saturating_mul(1024 * 1024)
    }

    pub(crate) fn file_bytes(&self) -> u64 {
        self.file_mb.saturating_mul(1024 * 1024)
    }

    pub(crate) fn output_bytes(&self) -> usize {
        usize::try_from(self.output_kb.saturating_mul(1024)).unwrap_or(usize::MAX)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// A limit the check ran into, or something the sandbox had to clean up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitHit {
    /// An allocation failed at the memory limit.
    Memory { limit_mb: u64, peak_kb: u64 },
    /// Starting a thread or process failed at the task limit, or the check
    /// was at the limit when it was stopped.
    Tasks { limit: u64 },
    /// A file grew past the file size limit.
    FileSize { limit_mb: u64 },
    /// More output than the report keeps.
    Output { limit_kb: u64, total_bytes: u64 },
    /// Processes the check started were still running after it ended.
    LeftRunning { processes: u32 },
    /// The code under test did what only a cheating (or badly broken)
    /// program does; the check fails and the report flags it.
    Tampered(Tamper),
}

/// Signs that something other than the harness spoke for the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// Lines on the result channel (fd 3) that the harness did not write:
    /// not a protocol line, or not stamped with this run's nonce.
    ForeignResultLines { lines: u32 },
    /// Protocol lines printed on stdout or stderr: an attempt to pass
    /// output off as a verdict.
    VerdictShapedOutput,
    /// Opens of the check process's memory or of the grader's descriptors,
    /// reported by the kit's tripwire (refused by the sandbox all the same).
    ForbiddenOpen,
}

impl Tamper {
    /// The machine-readable name of the flag (`IntegrityFlag::kind`).
    pub fn kind(self) -> threadlings_schema::report::IntegrityKind {
        use threadlings_schema::report::IntegrityKind;
        match self {
            Tamper::ForeignResultLines { .. } => IntegrityKind::ResultChannel,
            Tamper::VerdictShapedOutput => IntegrityKind::VerdictShapedOutput,
            Tamper::ForbiddenOpen => IntegrityKind::ForbiddenOpen,
        }
    }
}

impl LimitHit {
    /// What the report records: the finding as data.
    pub fn finding(&self) -> SandboxFinding {
        match *self {
            LimitHit::Memory { limit_mb, peak_kb } => SandboxFinding::OutOfMemory {
                limit_mb,
                peak_mb: peak_kb / 1024,
            },
            LimitHit::Tasks { limit } => SandboxFinding::TaskLimit { limit },
            LimitHit::FileSize { limit_mb } => SandboxFinding::FileSize { limit_mb },
            LimitHit::Output {
                limit_kb,
                total_bytes,
            } => SandboxFinding::OutputTruncated {
                total_bytes,
                kept_kb: limit_kb / 2,
            },
            LimitHit::LeftRunning { processes } => {
                SandboxFinding::LeftoverProcesses { count: processes }
            }
            LimitHit::Tampered(Tamper::ForeignResultLines { lines }) => {
                SandboxFinding::ResultChannelForged { lines }
            }
            LimitHit::Tampered(Tamper::ForbiddenOpen) => SandboxFinding::ForbiddenOpen,
            LimitHit::Tampered(Tamper::VerdictShapedOutput) => SandboxFinding::VerdictShapedOutput,
        }
    }

    /// One sentence for the report, in English (`crate::messages::en`).
    pub fn describe(&self) -> String {
        crate::messages::en::finding(&self.finding())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_usable_and_tiny_values_are_named() {
        assert_eq!(Limits::default().problem(), None);
        let tiny = Limits {
            max_tasks: 1,
            ..Limits::default()
        };
        assert_eq!(
            tiny.problem().as_deref(),
            Some("max_tasks = 1 is too small (at least 4)")
        );
    }

    #[test]
    fn notes_name_the_limit() {
        let note = LimitHit::Memory {
            limit_mb: 256,
            peak_kb: 200 * 1024,
        }
        .describe();
        assert!(note.starts_with("out of memory"), "{note}");
        assert!(note.contains("256 MB") && note.contains("200 MB"), "{note}");
        assert!(
            LimitHit::LeftRunning { processes: 2 }
                .describe()
                .contains("2 processes")
        );
        assert!(
            LimitHit::Output {
                limit_kb: 16,
                total_bytes: 3 << 30
            }
            .describe()
            .contains("3072 MB")
        );
    }
}
