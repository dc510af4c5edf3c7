//! One thin module per subcommand: arguments in, a summary or an error out.

pub mod build;
pub mod init;
pub mod serve;
pub mod watch;

/// Asks the kernel not to back this process with transparent huge pages, where it would by default. With them,
/// the kernel hands out and zeroes memory 2 MiB at a time: a one-page rebuild in `psoas watch` at 10,000 pages
/// allocates a few MB afresh, and its first two rebuilds took 40-77 ms instead of 20-32 ms; a cold `psoas
/// build` of the same site peaked at 170-192 MB instead of 140-148 MB, in the same time. Where the kernel has
/// no such switch, nothing changes.
pub fn prefer_small_pages() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}
