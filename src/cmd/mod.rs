//! One thin module per subcommand: arguments in, a summary or an error out.

pub mod build;
pub mod init;
pub mod serve;
pub mod watch;
