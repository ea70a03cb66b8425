//! The `grader` binary: parse the command line, dispatch, map errors to the
//! documented exit codes. All the work happens in the library.

mod cli;

use std::process::ExitCode;

use threadlings_schema::exit_codes;

fn main() -> ExitCode {
    // Cargo starts this binary as the compiler wrapper of the builds it runs
    // (see build::confine): then it is not a grader run at all.
    if let Some(code) = threadlings_grader::build::confine::wrapper_main() {
        return code;
    }
    let args = cli::Cli::parse_args(std::env::args_os().collect());
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(exit_codes::USAGE_OR_INFRASTRUCTURE)
        }
    }
}
