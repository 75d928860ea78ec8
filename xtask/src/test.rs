//! `cargo xtask test`: every check, in order, each reported on one summary line. Later parts still run
//! when an earlier one fails (so one run shows everything), except those that need its output.

use std::{
    path::PathBuf,
    process::Command,
    time::{Duration, Instant},
};

use crate::{
    Result, dev, size,
    tools::{self, Needs},
    workspace::{self, command, exec},
};

struct Outcome {
    name: &'static str,
    result: Result,
    took: Duration,
}

pub fn run(args: &[String]) -> Result {
    if let Some(arg) = args.first() {
        return Err(format!("unexpected argument `{arg}`"));
    }
    let started = Instant::now();
    tools::ensure(Needs {
        browser: true,
        node_tools: true,
    })?;

    let mut outcomes = Vec::new();
    let mut part = |name: &'static str, body: &mut dyn FnMut() -> Result| -> bool {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = body();
        let ok = result.is_ok();
        outcomes.push(Outcome {
            name,
            result,
            took: started.elapsed(),
        });
        ok
    };

    part("format", &mut || {
        exec(&mut cargo(&["fmt", "--all", "--", "--check"]))
    });
    part("clippy (native)", &mut || {
        exec(&mut cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    });
    part("clippy (wasm32)", &mut || {
        // With the `bench` feature, which only adds the render hooks of `cargo xtask bench render`: they
        // get checked too, and cannot fall behind the components they mount.
        exec(&mut cargo(&[
            "clippy",
            "-p",
            "app",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--features",
            "bench",
            "--",
            "-D",
            "warnings",
        ]))
    });
    part("native tests", &mut || {
        exec(&mut cargo(&["test", "--workspace", "--exclude", "e2e"]))
    });
    part("browser unit tests", &mut browser_unit_tests);
    // After the browser unit tests, which build the server binary first (`cargo test --workspace`
    // builds it with the workspace's features, `cargo build -p mock-server` with its own): this
    // part's time is schemathesis's.
    part("schemathesis", &mut schemathesis);
    let built = part("app release build", &mut || {
        exec(command("trunk").args(["build", "--release"]))
    });
    if built {
        part("size budget", &mut || size::check_budget(&dist_dir()));
        part("end-to-end tests", &mut || {
            exec(cargo(&["test", "-p", "e2e"]).env("E2E_DIST", dist_dir()))
        });
    } else {
        for name in ["size budget", "end-to-end tests"] {
            outcomes.push(Outcome {
                name,
                result: Err("not run: the app release build failed".to_owned()),
                took: Duration::ZERO,
            });
        }
    }

    println!(
        "\n==> summary ({:.0}s in all)",
        started.elapsed().as_secs_f64()
    );
    for outcome in &outcomes {
        let status = if outcome.result.is_ok() {
            "PASS"
        } else {
            "FAIL"
        };
        println!(
            "{status}  {:<22} {:>6.1}s",
            outcome.name,
            outcome.took.as_secs_f64()
        );
        if let Err(error) = &outcome.result {
            println!("      {error}");
        }
    }
    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} of {} parts failed", outcomes.len()))
    }
}

fn cargo(args: &[&str]) -> Command {
    let mut cargo = command("cargo");
    cargo.args(args);
    cargo
}

pub fn dist_dir() -> PathBuf {
    workspace::root().join("dist")
}

/// How long schemathesis generates requests, and its seed: the same run every time.
const SCHEMATHESIS_SECONDS: &str = "60";
const SCHEMATHESIS_SEED: &str = "1";

/// schemathesis with every check and phase against a fresh mock-server (seeded with the demo data),
/// for a fixed time and seed; any finding fails. `mock-server/schemathesis.toml` names the known
/// false positives it leaves out, and why.
fn schemathesis() -> Result {
    let schemathesis = tools::ensure_schemathesis()?;
    let server = dev::MockServer::start_logging(&["--db", ":memory:"], Some("warn"))?;
    // Its example database and cache go here, not into the workspace.
    let scratch = workspace::root().join("target/schemathesis/run");
    std::fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let result = exec(
        command(schemathesis.to_str().expect("utf-8 path"))
            .arg("--config-file")
            .arg(workspace::root().join("mock-server/schemathesis.toml"))
            .args(["--no-color", "run"])
            .arg(format!("{}/openapi.json", server.url()))
            .args([
                "--header",
                "Authorization: Bearer dev-admin-token",
                "--checks",
                "all",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--max-examples",
                "50",
                "--seed",
                SCHEMATHESIS_SEED,
                "--max-time",
                SCHEMATHESIS_SECONDS,
            ])
            .current_dir(&scratch),
    );
    drop(server);
    result
}

/// The app's wasm-bindgen tests in headless Chromium, with a mock server for the API client tests
/// (its URL reaches them at compile time as `MOCK_SERVER_URL`).
fn browser_unit_tests() -> Result {
    let server = dev::MockServer::start(&["--db", ":memory:"])?;
    // Each run leaves a Chromium profile in TMPDIR: keep it in a scratch dir removed afterwards.
    let scratch = workspace::root().join("target/wasm-test-tmp");
    std::fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let result = exec(
        cargo(&["test", "-p", "app", "--target", "wasm32-unknown-unknown"])
            .env("MOCK_SERVER_URL", server.url())
            .env("TMPDIR", &scratch)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "60"),
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}
