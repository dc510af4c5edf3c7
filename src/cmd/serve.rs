//! `psoas serve`: watch mode plus a local server that behaves like GitHub Pages, with live reload and the
//! build's problems shown over the page.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;

use crate::cmd::watch::{DEBOUNCE, print_result, rebuild_loop};
use crate::config::Config;
use crate::diagnostics::Problems;
use crate::serve::{self, Event};
use crate::watch;
use crate::workspace::{Report, Workspace};

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; only loopback unless you say otherwise
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Base URL to build with; its path is where the site is mounted (default: the path of `base_url`)
    #[arg(long)]
    pub base_url: Option<String>,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
    /// Output folder (default: a folder in the system's temporary directory, so public/ is left alone)
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Include pages marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
}

pub fn run(root: &Path, args: &ServeArgs) -> Result<()> {
    super::prefer_small_pages();
    let mut config = Config::from_site_root(root).map_err(|p| Problems(vec![p]))?;
    if let Some(url) = &args.base_url {
        config.set_base_url(url).map_err(anyhow::Error::msg)?;
    }
    let mount = config.base_path().to_owned();
    // Held while the server runs: the lock on the default folder, which keeps a second server of the site away.
    let (output, _lock) = match &args.output {
        Some(output) => (output.clone(), None),
        None => default_output(root).map(|(output, lock)| (output, Some(lock)))?,
    };
    // Check the output folder before the server creates it.
    let output = crate::output::check_output_dir(root, &output)?;
    let running = serve::start(&args.bind, args.port, &output, &mount)?;
    let host = if args.bind == "0.0.0.0" || args.bind == "::" { "localhost" } else { args.bind.as_str() };
    let address = format!("http://{host}:{}{mount}", running.port);
    let base_url = args.base_url.clone().unwrap_or_else(|| address.clone());
    let mut workspace = Workspace::new(root, &output, Some(base_url), args.drafts)?;

    let first = workspace.build_all();
    print_result(&first, None, KEPT);
    announce(&running.state, &first);
    let watcher = watch::watch(root, workspace.output(), DEBOUNCE)?;
    println!("Serving {} at {address} (Ctrl-C to stop)", workspace.output().display());
    if args.open {
        open_browser(&address);
    }
    // The server stays mounted where it started: a new path in site.yaml's base_url needs a new server.
    let mut told = mount.clone();
    rebuild_loop(&mut workspace, &watcher, KEPT, |result| {
        announce(&running.state, result);
        // A change to site.yaml renders everything again (a full rebuild): only then is it read again here.
        if args.base_url.is_none()
            && result.as_ref().is_ok_and(|report| report.full)
            && let Ok(config) = Config::from_site_root(root)
            && config.base_path() != told
        {
            told = config.base_path().to_owned();
            let note = if told == mount {
                format!("base_url's path is back to `{mount}`, where the site is served")
            } else {
                format!("base_url's path is now `{told}`, but the site is still served at `{mount}`: restart `psoas serve` to serve it there")
            };
            eprintln!("note: {note}");
        }
    });
    Ok(())
}

/// What a failed build leaves in `psoas serve`, printed after its problems.
const KEPT: &str = "(the server goes on serving the site as it was before the change)";

fn announce(state: &serve::State, result: &Result<Report>) {
    match result {
        // Nothing written and no problems to clear: open pages are left as they are (scrolled, half-read).
        Ok(report) if report.written == 0 && report.removed == 0 && !state.shows_problems() => {}
        Ok(_) => state.broadcast(Event::Reload),
        Err(error) => state.broadcast(Event::Problems(match error.downcast_ref::<Problems>() {
            Some(problems) => problems.to_string(),
            None => format!("error: {error:#}"),
        })),
    }
}

/// A folder for the site in the system's temporary directory, reused from one run to the next, and the lock
/// (on `<folder>.lock`) that makes it this run's: a second server of the same site running at the same time
/// takes the next folder (`-2`, `-3`...), where it would build over the first one's pages.
fn default_output(root: &Path) -> Result<(PathBuf, std::fs::File)> {
    use anyhow::Context as _;
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned()).hash(&mut hasher);
    let name = format!("psoas-serve-{:016x}", hasher.finish());
    for n in 1..=100 {
        let folder = std::env::temp_dir().join(if n == 1 { name.clone() } else { format!("{name}-{n}") });
        let lock_path = folder.with_extension("lock");
        let lock = std::fs::File::options().create(true).truncate(false).write(true).open(&lock_path).with_context(|| format!("cannot create {}", lock_path.display()))?;
        match lock.try_lock() {
            Ok(()) => return Ok((folder, lock)),
            Err(std::fs::TryLockError::WouldBlock) => continue,
            Err(std::fs::TryLockError::Error(error)) => return Err(error).with_context(|| format!("cannot lock {}", lock_path.display())),
        }
    }
    anyhow::bail!("100 servers of this site are running; stop one, or give this one its own folder with --output")
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else if cfg!(windows) { "explorer" } else { "xdg-open" };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("could not open a browser; visit {url}");
    }
}
