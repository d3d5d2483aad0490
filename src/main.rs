//! The `threadtutor` binary: parse the command line and hand over to the library.

use clap::Parser;

fn main() {
    let cli = threadtutor::cli::Cli::parse();
    std::process::exit(threadtutor::cli::main(cli));
}
