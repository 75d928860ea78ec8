//! Installs what the commands need, each skipped when already there at the right version.
//!
//! What works on this kind of machine (see `../shared/TOOLCHAIN.md` and README "Toolchain"):
//! trunk 0.21.14 with `--locked` (0.22 needs a newer rustc; without `--locked` its CSS crates do not
//! resolve), wasm-bindgen-cli *without* `--locked`, wasm-opt from npm's binaryen (Debian's crashes the
//! module in the browser), Chromium and chromedriver from apt.

use std::{path::PathBuf, time::Instant};

use crate::{
    Result,
    workspace::{self, command, exec, output},
};

pub const TRUNK_VERSION: &str = "0.21.14";
/// The Lighthouse of `tools/lighthouse/package.json`.
const LIGHTHOUSE_VERSION: &str = "12.2.3";
/// schemathesis from PyPI, in a virtual environment of the workspace's own (`target/schemathesis/`).
pub const SCHEMATHESIS_VERSION: &str = "4.32.5";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Which tools a command needs.
#[derive(Clone, Copy)]
pub struct Needs {
    pub browser: bool,
    pub node_tools: bool,
}

/// Everything any command needs.
pub fn ensure_all() -> Result<Needs> {
    let needs = Needs {
        browser: true,
        node_tools: true,
    };
    ensure(needs)?;
    ensure_schemathesis()?;
    Ok(needs)
}

pub fn ensure(needs: Needs) -> Result {
    let started = Instant::now();
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_trunk()?;
    if needs.node_tools {
        ensure_node_tools()?;
    }
    if needs.browser {
        ensure_browser()?;
    }
    println!("==> tools ready ({:.1}s)", started.elapsed().as_secs_f64());
    Ok(())
}

fn step(message: &str) {
    println!("==> {message}");
}

fn ensure_wasm_target() -> Result {
    let installed =
        output(command("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    step(&format!("installing the {WASM_TARGET} target (rustup)"));
    exec(command("rustup").args(["target", "add", WASM_TARGET]))
}

/// wasm-bindgen-cli must equal the `wasm-bindgen` in Cargo.lock exactly, or trunk and the test runner
/// try to download their own from GitHub.
fn ensure_wasm_bindgen() -> Result {
    let wanted = workspace::locked_version("wasm-bindgen")?;
    let found = output(command("wasm-bindgen").arg("--version"))
        .and_then(|text| text.split_whitespace().nth(1).map(str::to_owned));
    let runner = output(command("wasm-bindgen-test-runner").arg("--version"))
        .and_then(|text| text.split_whitespace().nth(1).map(str::to_owned));
    if found.as_deref() == Some(&wanted) && runner.as_deref() == Some(&wanted) {
        return Ok(());
    }
    match found {
        Some(found) => step(&format!(
            "wasm-bindgen-cli {found} does not match wasm-bindgen {wanted} in Cargo.lock: installing {wanted} (about 4 minutes)"
        )),
        None => step(&format!(
            "installing wasm-bindgen-cli {wanted} (about 4 minutes)"
        )),
    }
    // Without --locked: its lockfile names a crate version this registry mirror lacks.
    exec(command("cargo").args([
        "install",
        "--force",
        "wasm-bindgen-cli",
        "--version",
        &wanted,
    ]))
}

fn ensure_trunk() -> Result {
    let found = output(command("trunk").arg("--version"));
    if found.as_deref() == Some(&format!("trunk {TRUNK_VERSION}")) {
        return Ok(());
    }
    step(&format!(
        "installing trunk {TRUNK_VERSION} (about 11 minutes on 2 cores)"
    ));
    exec(command("cargo").args([
        "install",
        "--force",
        "--locked",
        "trunk",
        "--version",
        TRUNK_VERSION,
    ]))
}

/// binaryen's wasm-opt and axe-core, from `tools/package.json` at the versions in its lockfile.
fn ensure_node_tools() -> Result {
    let bin = workspace::node_tools_bin();
    let axe = workspace::root().join("tools/node_modules/axe-core/axe.min.js");
    let wasm_opt_ok =
        output(command(bin.join("wasm-opt").to_str().expect("utf-8 path")).arg("--version"))
            .is_some_and(|v| v.contains("version 132"));
    if wasm_opt_ok && axe.exists() {
        return Ok(());
    }
    step("installing Node tools from tools/package.json (binaryen's wasm-opt, axe-core)");
    exec(
        command("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(workspace::root().join("tools")),
    )
}

/// Lighthouse and puppeteer-core for `cargo xtask bench lighthouse`, from `tools/lighthouse/package.json`
/// at the versions in its lockfile: a package of their own (about 110 MB) that the test command does
/// not need. Lighthouse 12.2.3: later 12.x locks fail `npm ci` here, and 13 needs Node 22.
pub fn ensure_lighthouse() -> Result {
    let dir = workspace::root().join("tools/lighthouse");
    let manifest = |package: &str| {
        std::fs::read_to_string(dir.join("node_modules").join(package).join("package.json"))
            .unwrap_or_default()
    };
    if manifest("lighthouse").contains(&format!("\"version\": \"{LIGHTHOUSE_VERSION}\""))
        && !manifest("puppeteer-core").is_empty()
    {
        return Ok(());
    }
    step("installing Lighthouse and puppeteer-core from tools/lighthouse/package.json (npm)");
    exec(
        command("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir),
    )
}

/// schemathesis at [`SCHEMATHESIS_VERSION`] in `target/schemathesis/` (a Python virtual environment,
/// from PyPI); its command's path.
pub fn ensure_schemathesis() -> Result<PathBuf> {
    let venv = workspace::root().join("target/schemathesis");
    let command_path = venv.join("bin/schemathesis");
    let found = output(command(command_path.to_str().expect("utf-8 path")).arg("--version"));
    if found.is_some_and(|version| version.ends_with(&format!("version {SCHEMATHESIS_VERSION}"))) {
        return Ok(command_path);
    }
    step(&format!(
        "installing schemathesis {SCHEMATHESIS_VERSION} into {} (pip)",
        venv.display()
    ));
    // A fresh Debian may lack Python, and its own Python keeps venv (with ensurepip) in a package of
    // its own; the package lists of a fresh machine are empty until updated.
    if output(command("python3").args(["-c", "import venv, ensurepip"])).is_none() {
        step("installing python3 and python3-venv (apt)");
        let apt = |args: &[&str]| {
            let mut apt = command("apt-get");
            apt.args(args).env("DEBIAN_FRONTEND", "noninteractive");
            exec(&mut apt)
        };
        apt(&["update", "-q"])?;
        apt(&["install", "-y", "-q", "python3", "python3-venv"])?;
    }
    exec(
        command("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
    )?;
    exec(
        command(venv.join("bin/pip").to_str().expect("utf-8 path"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("schemathesis=={SCHEMATHESIS_VERSION}")),
    )?;
    Ok(command_path)
}

/// Debian's Chromium and its matching chromedriver.
fn ensure_browser() -> Result {
    if chromium().is_some() && output(command("chromedriver").arg("--version")).is_some() {
        return Ok(());
    }
    step("installing chromium and chromium-driver (apt)");
    let apt = |args: &[&str]| {
        let mut apt = command("apt-get");
        apt.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        exec(&mut apt)
    };
    apt(&["update", "-q"])?;
    apt(&["install", "-y", "-q", "chromium", "chromium-driver"])
}

/// The Chromium binary, if installed.
pub fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|path| path.exists())
}
