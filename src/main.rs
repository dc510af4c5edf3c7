//! The `psoas` command line: build a site, or scaffold a new one from the embedded theme.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use psoas::{cmd, diagnostics};

// Builds allocate and free many small strings from several threads; mimalloc is faster at that than the
// system allocator and returns memory more readily.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "psoas", version, about = "A static site generator for clear, checked, accessible health content")]
struct Cli {
    /// The site's folder (the one holding site.yaml)
    #[arg(long, global = true, default_value = ".")]
    root: std::path::PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default)
    Build(cmd::build::BuildArgs),
    /// Create a new site from the default theme
    Init(cmd::init::InitArgs),
    /// Build, then rebuild on every change
    Watch(cmd::watch::WatchArgs),
    /// Build, rebuild on every change, and serve the site with live reload
    Serve(cmd::serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(&cli.root, &args),
        Command::Init(args) => cmd::init::run(&cli.root, &args),
        Command::Watch(args) => cmd::watch::run(&cli.root, &args),
        Command::Serve(args) => cmd::serve::run(&cli.root, &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            match error.downcast_ref::<diagnostics::Problems>() {
                Some(problems) => eprintln!("{problems}"),
                None => eprintln!("error: {error:#}"),
            }
            ExitCode::FAILURE
        }
    }
}
