//! `loopcheck`: Loop Studio's core on the command line, for headless machines and scripts.
//!
//! The contract is DESIGN.md §4: global `--json` (exactly one JSON document on stdout, all
//! else on stderr) and `--db PATH`; exit status 0 success, 1 a check or lint failed, 2 bad
//! input or usage (nothing written), 3 internal error. Commands are added here only when
//! they work, so `--help` never lists one that does not.

mod output;

use clap::{Parser, Subcommand};
use loopstudio_core::ApiError;
use output::Output;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "loopcheck",
    version,
    about = "Check that LoopCloud devices can connect, from the command line",
    long_about = None,
    propagate_version = true
)]
struct Cli {
    /// Print exactly one JSON document on stdout; progress and logs go to stderr.
    #[arg(long, global = true)]
    json: bool,

    /// The Loop Studio database to use (else $LOOPSTUDIO_DB, else the app's own).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show the version, the database in use and where secrets are kept.
    Info,
}

/// Exit statuses of DESIGN.md §4.
mod exit {
    pub const OK: u8 = 0;
    pub const USAGE: u8 = 2;
    pub const INTERNAL: u8 = 3;
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are "errors" to clap but successes to the user.
            let status = if err.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = err.print();
            return ExitCode::from(status);
        }
    };
    let out = Output::new(cli.json);
    // A panic is a bug in loopcheck: report it as an internal error (3), never as 101.
    match std::panic::catch_unwind(|| run(&cli, &out)) {
        Ok(Ok(())) => ExitCode::from(exit::OK),
        Ok(Err(err)) => {
            out.error(&err);
            ExitCode::from(u8::try_from(err.code.exit_status()).unwrap_or(exit::INTERNAL))
        }
        Err(_) => ExitCode::from(exit::INTERNAL),
    }
}

fn run(cli: &Cli, out: &Output) -> Result<(), ApiError> {
    match cli.command {
        Command::Info => {
            let info = loopstudio_core::app_info::app_info(cli.db.as_deref())?;
            out.document(&info, || {
                format!(
                    "loopcheck {}\ndatabase  {} ({})\nsecrets   {}\n",
                    info.version,
                    info.db_path,
                    output::db_source_words(info.db_path_source),
                    info.secrets.describe()
                )
            });
            Ok(())
        }
    }
}
