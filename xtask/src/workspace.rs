//! Where things are, and running commands with the tools on PATH.

use std::{
    ffi::OsString,
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command},
};

use crate::Result;

/// The workspace root (the parent of this crate). `cargo run` (`cargo xtask`) says where this crate is
/// at run time; the path compiled in is only the fallback, because a `target/` copied from another
/// checkout keeps a binary built there, which would otherwise build and test that checkout.
pub fn root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// The Node tools (wasm-opt, axe-core) installed from `tools/package.json`.
pub fn node_tools_bin() -> PathBuf {
    root().join("tools/node_modules/.bin")
}

/// PATH with the project's tools first: binaryen's wasm-opt must win over any other on the machine, and
/// tools installed under a custom `CARGO_INSTALL_ROOT` must be found.
pub fn tool_path() -> OsString {
    let mut dirs = vec![node_tools_bin()];
    if let Some(install_root) = std::env::var_os("CARGO_INSTALL_ROOT") {
        dirs.push(PathBuf::from(install_root).join("bin"));
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).expect("PATH entries have no separators")
}

/// A command run from the workspace root with [`tool_path`].
pub fn command(program: &str) -> Command {
    let mut command = Command::new(program);
    command.current_dir(root()).env("PATH", tool_path());
    command
}

/// Runs `command`, failing with its description when it exits non-zero.
pub fn exec(command: &mut Command) -> Result {
    let status = command
        .status()
        .map_err(|e| format!("could not start {}: {e}", describe(command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status})", describe(command)))
    }
}

/// Runs `command` and returns its trimmed stdout, or `None` if it cannot start or fails.
pub fn output(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// A port nobody listens on right now.
pub fn free_port() -> Result<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// The version of `package` in Cargo.lock.
pub fn locked_version(package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    let name_line = format!("name = \"{package}\"");
    while let Some(line) = lines.next() {
        if line == name_line
            && let Some(version) = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
        {
            return Ok(version.to_owned());
        }
    }
    Err(format!("{package} is not in Cargo.lock"))
}

/// A child process that cannot outlive xtask: killed when dropped (a step failed or finished), and, on
/// Linux, sent SIGTERM by the kernel if xtask itself dies (Ctrl-C, kill), so no server is left behind.
pub struct ChildGuard(pub Child);

impl ChildGuard {
    pub fn spawn(command: &mut Command) -> Result<Self> {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::process::CommandExt;
            // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
            unsafe {
                command.pre_exec(|| {
                    if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) == -1 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        command
            .spawn()
            .map(Self)
            .map_err(|e| format!("could not start {}: {e}", describe(command)))
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
