//! `cargo xtask <command>`: the project's commands, each installing what it needs first.
//!
//! - `dev`: mock-server with demo data plus `trunk serve`, and the URL to open.
//! - `test`: every check and test suite, in order, with a summary line per part.
//! - `bench`: the server's benchmarks in release (`api`, `delivery`, `abuse`), the fuzz runs (`fuzz`), the
//!   app's render and memory figures in headless Chromium (`render`), its sizes by crate (`size`), its
//!   Lighthouse scores and bytes on the wire (`lighthouse`).
//! - `setup`: only install the tools.

mod bench;
mod dev;
mod size;
mod test;
mod tools;
mod workspace;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  dev     run the app against the mock server (seeded with demo data) and print the URL
  test    fmt, clippy (native and wasm32), native tests, browser unit tests, schemathesis, the release
          build, the size budget, end-to-end tests
  setup   install the tools the other commands need, skipping what is there
  bench   benchmarks, not part of test: `bench api`, `bench delivery`, `bench abuse [--baseline FILE]`
          (the server in release), `bench fuzz`
          (each fuzz target for 60 s, or `--fuzz-seconds N`), `bench render` (the app in headless Chromium),
          `bench size` (release sizes, .wasm bytes by crate; `--wasm FILE` for another build), `bench lighthouse`
          (Lighthouse on every screen, mobile and desktop, and the bytes on the wire); all without a name
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => dev::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("setup") => tools::ensure_all().map(|_| ()),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}

/// An error message for the user.
pub type Result<T = ()> = std::result::Result<T, String>;
