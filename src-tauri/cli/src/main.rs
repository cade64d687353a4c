//! `loopcheck`: Loop Studio's core on the command line, for headless machines and scripts.
//!
//! The contract is DESIGN.md §4: global `--json` (exactly one JSON document on stdout, all
//! else on stderr) and `--db PATH`; exit status 0 success, 1 a check or lint failed, 2 bad
//! input or usage (nothing written), 3 internal error. Commands are added here only when
//! they work, so `--help` never lists one that does not.

mod commands;
mod output;

use clap::{Args, Parser, Subcommand};
use loopstudio_core::catalog::TemplateKind;
use loopstudio_core::{api, ApiError};
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
pub struct Cli {
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
    /// Lint a model file, or a stored model (exit 1 when there is an error).
    Lint(LintArgs),
    /// Projects: list, show, create, set variables, delete, export, import.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// Models of a project: list, show, create, import, export, delete.
    #[command(subcommand)]
    Model(ModelCommand),
    /// Devices of a project: list, show, create, set variables, delete.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Print a device's templates with every placeholder filled in.
    Render(RenderArgs),
    /// Probe every LoopCloud port of a host with its own protocol (exit 1 if any fails).
    Ports(PortsArgs),
    /// Check a template or model file, or a stored device (exit 1 if a check fails).
    Check(CheckArgs),
    /// Run a stored device as a live virtual device (MQTT, HTTP publishing, LwM2M, OTA
    /// polling: whatever its model has) until stopped (Ctrl+C) or --duration.
    Simulate(SimulateArgs),
    /// Survey a site: every check of a project's devices and a sweep of every host they
    /// name; which endpoints this network reaches, and the firewall request for its IT.
    Survey(SurveyArgs),
}

#[derive(Debug, Args)]
pub struct SurveyArgs {
    #[arg(long)]
    project: String,
    /// Only these devices (comma-separated).
    #[arg(long, value_name = "D,…", value_delimiter = ',', conflicts_with_all = ["model", "all"])]
    devices: Vec<String>,
    /// Only the devices of this model.
    #[arg(long, value_name = "M", conflicts_with = "all")]
    model: Option<String>,
    /// Every device of the project (the default).
    #[arg(long)]
    all: bool,
    /// Also save the survey as a self-contained HTML page or as JSON (by the file's ending).
    #[arg(long, value_name = "FILE.html|FILE.json")]
    report: Option<PathBuf>,
    /// Write the firewall request: CSV for a change request, or JSON.
    #[arg(long, value_name = "FILE.csv|FILE.json")]
    rules: Option<PathBuf>,
    /// Time limit per rung in milliseconds (default 3000).
    #[arg(long = "timeout-ms", value_name = "N")]
    timeout_ms: Option<u64>,
    #[command(flatten)]
    proxy: ProxyArgs,
}

#[derive(Debug, Args)]
struct SimulateArgs {
    #[arg(long)]
    project: String,
    /// The stored device to run.
    #[arg(long, required_unless_present = "fleet", conflicts_with = "fleet")]
    device: Option<String>,
    /// Run N virtual devices of --model instead of one stored device.
    #[arg(long, value_name = "N", requires = "model")]
    fleet: Option<u32>,
    /// The model a fleet is made of.
    #[arg(long, value_name = "M")]
    model: Option<String>,
    /// Fleet device names: n in braces becomes 1, 2, … (the default gives dev-1, dev-2, …)
    #[arg(long, value_name = "PATTERN", default_value = api::DEFAULT_FLEET_PATTERN)]
    pattern: String,
    /// A stored device whose values (credentials, say) every fleet device shares, all but
    /// its identities (client id, endpoint, PSK identities, controller id).
    #[arg(long, value_name = "DEVICE", requires = "fleet")]
    like: Option<String>,
    /// Local addresses the fleet connects from, round robin (127.0.0.2-127.0.0.9, or a,b,c):
    /// past one address's ephemeral ports. A fleet of more than 20,000 against a loopback
    /// broker spreads over 127.0.0.1 onwards by itself.
    #[arg(long, value_name = "ADDRESSES", requires = "fleet")]
    source_addresses: Option<String>,
    /// Fleet devices started per second.
    #[arg(long, value_name = "R", default_value_t = api::DEFAULT_RAMP_PER_S)]
    ramp: f64,
    /// Stop after this many seconds (else run until Ctrl+C).
    #[arg(long, value_name = "S")]
    duration: Option<f64>,
    /// Telemetry messages per second.
    #[arg(long, value_name = "R", default_value_t = api::DEFAULT_RATE_PER_S)]
    rate: f64,
    /// The telemetry temperature's middle in °C.
    #[arg(long, value_name = "C", default_value_t = api::Generator::DEFAULT_BASE)]
    temperature: f64,
    /// How far the temperature swings either way, in °C.
    #[arg(long, value_name = "C", default_value_t = api::Generator::DEFAULT_AMPLITUDE)]
    swing: f64,
    /// One full swing, in seconds.
    #[arg(long, value_name = "S", default_value_t = api::Generator::DEFAULT_PERIOD_S)]
    period: f64,
    /// Random noise added to the temperature, at most this many °C.
    #[arg(long, value_name = "C", default_value_t = api::Generator::DEFAULT_NOISE)]
    noise: f64,
    /// The telemetry's status string.
    #[arg(long, value_name = "TEXT", default_value = api::Generator::DEFAULT_STATUS)]
    status: String,
    /// The LwM2M registration lifetime in seconds (default: the device's LWM2M_LIFETIME,
    /// else 300); Updates go out at 3/4 of it.
    #[arg(long, value_name = "S")]
    lifetime: Option<u32>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// A LoopCloud template or model file; placeholders filled from --var/--vars.
    #[arg(required_unless_present = "device", conflicts_with_all = ["project", "device"])]
    file: Option<PathBuf>,
    #[arg(long, requires = "device")]
    project: Option<String>,
    #[arg(long, requires = "project")]
    device: Option<String>,
    /// Only the templates of these kinds (mqtt-tcp, mqtt-http, …), comma-separated.
    #[arg(long, value_name = "KIND,…", value_delimiter = ',')]
    only: Vec<String>,
    /// Also save the report as a self-contained HTML page or as JSON (by the file's ending).
    #[arg(long, value_name = "FILE.html|FILE.json")]
    report: Option<PathBuf>,
    /// Bootstrap checks stop at what was provisioned instead of registering with it.
    #[arg(long)]
    bootstrap_only: bool,
    #[command(flatten)]
    vars: VarArgs,
    /// Time limit per rung in milliseconds (default 3000).
    #[arg(long = "timeout-ms", value_name = "N")]
    timeout_ms: Option<u64>,
    #[command(flatten)]
    proxy: ProxyArgs,
}

/// Where connections go out: `--proxy URL`, `--no-proxy`, `--proxy-mqtt`.
#[derive(Debug, Args)]
struct ProxyArgs {
    /// Go out through this HTTP proxy (http://[user:password@]host:port); else the
    /// project's PROXY_URL, else HTTPS_PROXY/http_proxy/ALL_PROXY minus NO_PROXY, as curl.
    #[arg(long, value_name = "URL", conflicts_with = "no_proxy")]
    proxy: Option<String>,
    /// Go direct: no proxy from the project or the environment.
    #[arg(long)]
    no_proxy: bool,
    /// MQTT over TCP/TLS through the proxy's CONNECT tunnel too (else only HTTP and OTA).
    #[arg(long)]
    proxy_mqtt: bool,
}

impl ProxyArgs {
    fn request(&self) -> loopstudio_core::api::ProxyRequest {
        loopstudio_core::api::ProxyRequest {
            url: self.proxy.clone(),
            off: self.no_proxy,
            mqtt: self.proxy_mqtt,
        }
    }
}

#[derive(Debug, Args)]
struct PortsArgs {
    /// Host name or IP address to sweep.
    host: String,
    /// Only these ports: reference numbers (8883) or SERVICE=PORT (mqtts=18883), comma-separated.
    #[arg(long, value_name = "SPEC,…")]
    ports: Option<String>,
    /// Time limit per port in milliseconds (default 1000).
    #[arg(long = "timeout-ms", value_name = "N")]
    timeout_ms: Option<u64>,
    /// The web ports (and with --proxy-mqtt the MQTT ports) through a proxy, as `check`.
    #[command(flatten)]
    proxy: ProxyArgs,
    /// Also ask each DTLS port which PSK cipher suites it accepts (one ClientHello per suite).
    #[arg(long)]
    dtls_profile: bool,
}

#[derive(Debug, Args)]
struct LintArgs {
    /// A LoopCloud model or template file.
    #[arg(required_unless_present = "model", conflicts_with_all = ["project", "model"])]
    file: Option<PathBuf>,
    #[arg(long, requires = "model")]
    project: Option<String>,
    #[arg(long, requires = "project")]
    model: Option<String>,
}

/// `--var NAME=VALUE` (repeatable; `NAME=@FILE` reads the value from a file).
#[derive(Debug, Args)]
struct VarArgs {
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// A JSON object of NAME: value.
    #[arg(long = "vars", value_name = "FILE.json")]
    vars_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum ProjectCommand {
    /// List projects with their model and device counts.
    List,
    /// Show a project and its variables (secrets masked unless --reveal).
    Show {
        name: String,
        #[arg(long)]
        reveal: bool,
    },
    /// Create a project.
    Create {
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        #[command(flatten)]
        vars: VarArgs,
    },
    /// Set (or --unset) project variables.
    Set {
        name: String,
        #[command(flatten)]
        vars: VarArgs,
        #[arg(long, value_name = "NAME")]
        unset: Vec<String>,
    },
    /// Delete a project with its models and devices.
    Delete { name: String },
    /// Write a whole-project bundle (secrets left out unless --include-secrets).
    Export {
        name: String,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long)]
        include_secrets: bool,
    },
    /// Create the sample project (four models of all nine kinds, 174 devices, three sample
    /// runs; hosts under acme.example, which never resolves) under NAME.
    CreateSample { name: String },
    /// Create a project from a bundle, all or nothing.
    Import {
        file: PathBuf,
        #[arg(long)]
        name: Option<String>,
    },
}

fn parse_kind(text: &str) -> Result<TemplateKind, String> {
    TemplateKind::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = TemplateKind::ALL.iter().map(|k| k.name()).collect();
        format!("unknown kind; one of {}", names.join(", "))
    })
}

#[derive(Debug, Subcommand)]
enum ModelCommand {
    /// List the models of a project.
    List {
        #[arg(long)]
        project: String,
    },
    /// Show a model as JSON (literal secrets redacted).
    Show {
        #[arg(long)]
        project: String,
        name: String,
    },
    /// Create a model, empty or with the canonical bodies of the given kinds.
    Create {
        #[arg(long)]
        project: String,
        name: String,
        #[arg(long = "kind", value_parser = parse_kind, value_name = "KIND")]
        kinds: Vec<TemplateKind>,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Import a LoopCloud model file into a project.
    Import {
        file: PathBuf,
        #[arg(long)]
        project: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// Write a model as a LoopCloud model file.
    Export {
        #[arg(long)]
        project: String,
        name: String,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long)]
        include_secrets: bool,
    },
    /// Delete a model; one that devices use needs --force (which deletes them too).
    Delete {
        #[arg(long)]
        project: String,
        name: String,
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
enum DeviceCommand {
    /// List the devices of a project.
    List {
        #[arg(long)]
        project: String,
        /// Only devices whose name contains this text.
        #[arg(long)]
        search: Option<String>,
    },
    /// Show a device and its variables (secrets masked unless --reveal).
    Show {
        #[arg(long)]
        project: String,
        name: String,
        #[arg(long)]
        reveal: bool,
    },
    /// Add a device; project patterns fill in its values ({device} = its name).
    Create {
        #[arg(long)]
        project: String,
        #[arg(long)]
        model: String,
        name: String,
        #[command(flatten)]
        vars: VarArgs,
        /// Generate fresh passwords and PSKs for the secrets the model uses.
        #[arg(long)]
        generate_secrets: bool,
    },
    /// Set (or --unset) device variables.
    Set {
        #[arg(long)]
        project: String,
        name: String,
        #[command(flatten)]
        vars: VarArgs,
        #[arg(long, value_name = "NAME")]
        unset: Vec<String>,
    },
    /// Delete a device.
    Delete {
        #[arg(long)]
        project: String,
        name: String,
    },
}

#[derive(Debug, Args)]
struct RenderArgs {
    #[arg(long)]
    project: String,
    #[arg(long)]
    device: String,
    /// Show secrets instead of masking them.
    #[arg(long)]
    reveal: bool,
}

/// How a command that ran to its end turned out.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: a check or lint found a failure, or a run was cut short.
    Failed,
    /// Exit 3: loopcheck failed inside a check (its report is still printed).
    Internal,
}

impl Outcome {
    /// A check or sweep report's exit status: a check that panicked is ours (3), a run cut
    /// short or a failed check is 1, and only a whole, passing run is 0.
    pub fn of_report(report: &loopstudio_core::report::Report) -> Outcome {
        if report.has_internal_error() {
            Outcome::Internal
        } else if report.passed() {
            Outcome::Success
        } else {
            Outcome::Failed
        }
    }
}

/// Exit statuses of DESIGN.md §4.
mod exit {
    pub const OK: u8 = 0;
    pub const FAILED: u8 = 1;
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
        Ok(Ok(Outcome::Success)) => ExitCode::from(exit::OK),
        Ok(Ok(Outcome::Failed)) => ExitCode::from(exit::FAILED),
        Ok(Ok(Outcome::Internal)) => ExitCode::from(exit::INTERNAL),
        Ok(Err(err)) => {
            out.error(&err);
            ExitCode::from(u8::try_from(err.code.exit_status()).unwrap_or(exit::INTERNAL))
        }
        Err(_) => ExitCode::from(exit::INTERNAL),
    }
}

fn run(cli: &Cli, out: &Output) -> Result<Outcome, ApiError> {
    let ctx = commands::Context {
        db: cli.db.as_deref(),
        out,
    };
    match &cli.command {
        Command::Info => commands::info(&ctx),
        Command::Lint(args) => match (&args.file, &args.project, &args.model) {
            (Some(file), _, _) => commands::lint::file(&ctx, file),
            (None, Some(project), Some(model)) => commands::lint::stored(&ctx, project, model),
            _ => unreachable!("clap requires a file or --project with --model"),
        },
        Command::Project(command) => commands::project::run(&ctx, command),
        Command::Model(command) => commands::model::run(&ctx, command),
        Command::Device(command) => commands::device::run(&ctx, command),
        Command::Check(args) => commands::check::run(&ctx, args),
        Command::Simulate(args) => commands::simulate::run(&ctx, args),
        Command::Survey(args) => commands::survey::run(&ctx, args),
        Command::Ports(args) => {
            let request = api::SweepRequest {
                host: args.host.clone(),
                ports: args.ports.clone(),
                timeout_ms: args.timeout_ms,
                proxy: args.proxy.request(),
                dtls_profile: args.dtls_profile,
            };
            commands::ports::run(&ctx, &request)
        }
        Command::Render(args) => {
            commands::device::render(&ctx, &args.project, &args.device, args.reveal)
        }
    }
}
