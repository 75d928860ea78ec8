//! Accessibility checks with axe-core, run on the page as it is, in the light and the dark theme.
//!
//! axe is injected through WebDriver's execute (the DevTools protocol underneath), which the page's
//! Content-Security-Policy does not govern, so the app's policy stays as strict as it ships.

use std::{fmt, sync::OnceLock};

use serde::Deserialize;

use crate::{Ctx, artifacts_dir, workspace_root};

/// Impacts that fail a test. Moderate and minor findings are printed and saved, not gated.
const GATED_IMPACTS: [&str; 2] = ["serious", "critical"];

/// Defines `window.axe` unless the page has it already; returns axe's version.
fn injection_script() -> &'static str {
    static SCRIPT: OnceLock<String> = OnceLock::new();
    SCRIPT.get_or_init(|| {
        let path = workspace_root().join("tools/node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{} is missing ({e}): run `cargo xtask setup`",
                path.display()
            )
        });
        format!("if (!window.axe) {{\n{source}\n}}\nreturn window.axe.version;")
    })
}

/// Runs axe on the whole document and calls back with its violations in a plain shape (or an error).
/// Rules are those of axe's defaults: WCAG 2.0–2.2 A and AA plus its best practices.
const RUN_AXE_JS: &str = r#"
const done = arguments[0];
const plain = (v) => ({
  rule: v.id,
  impact: v.impact,
  help: v.help,
  help_url: v.helpUrl,
  nodes: v.nodes.map((n) => ({ target: n.target.map(String), summary: n.failureSummary || "" })),
});
axe.run(document, { resultTypes: ["violations", "incomplete"] }).then(
  (results) => done({
    violations: results.violations.map(plain),
    incomplete: results.incomplete.map(plain),
  }),
  (error) => done({ error: String(error) }),
);
"#;

/// One rule axe found broken, and where.
#[derive(Clone, Debug, Deserialize)]
pub struct Violation {
    pub rule: String,
    pub impact: Option<String>,
    pub help: String,
    pub help_url: String,
    pub nodes: Vec<ViolationNode>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ViolationNode {
    /// CSS selectors down to the element (one per frame or shadow root).
    pub target: Vec<String>,
    /// axe's "Fix any of the following" text.
    pub summary: String,
}

impl Violation {
    /// Whether the violation fails a test.
    pub fn is_gated(&self) -> bool {
        self.impact
            .as_deref()
            .is_some_and(|impact| GATED_IMPACTS.contains(&impact))
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "[{}] {}: {} ({})",
            self.impact.as_deref().unwrap_or("unknown"),
            self.rule,
            self.help,
            self.help_url
        )?;
        for node in &self.nodes {
            writeln!(f, "    at {}", node.target.join(" >> "))?;
            for line in node.summary.lines() {
                writeln!(f, "       {line}")?;
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct AxeOutcome {
    violations: Option<Vec<Violation>>,
    /// What axe could not decide (e.g. text over an image): saved for a human to look at.
    #[serde(default)]
    incomplete: Vec<Violation>,
    error: Option<String>,
}

impl Ctx {
    /// axe's violations on the page as it is now, in the current theme.
    pub async fn axe_violations(&self) -> Vec<Violation> {
        self.axe().await.0
    }

    /// axe's violations and what it left for review.
    async fn axe(&self) -> (Vec<Violation>, Vec<Violation>) {
        self.client
            .execute(injection_script(), vec![])
            .await
            .unwrap_or_else(|e| panic!("injecting axe-core failed: {e}"));
        let outcome = self
            .client
            .execute_async(RUN_AXE_JS, vec![])
            .await
            .unwrap_or_else(|e| panic!("running axe-core failed: {e}"));
        let outcome: AxeOutcome = serde_json::from_value(outcome).expect("axe's results");
        if let Some(error) = outcome.error {
            panic!("axe-core failed: {error}");
        }
        (outcome.violations.unwrap_or_default(), outcome.incomplete)
    }

    /// Runs axe on the page as it is, in the light theme and then the dark one, and fails the test on
    /// any serious or critical violation, printing each (rule, impact, selectors, how to fix). Every
    /// finding, gated or not, and what axe left for review, is saved as `target/e2e-artifacts/<test>-axe-<screen>-<theme>.txt`
    /// next to a screenshot. Leaves the page in the light theme.
    pub async fn assert_accessible(&self, screen: &str) {
        let mut gated = Vec::new();
        for (theme, dark) in [("light", false), ("dark", true)] {
            self.dark_theme(dark).await;
            let (violations, incomplete) = self.axe().await;
            let label = format!("axe-{screen}-{theme}");
            let report: String = violations.iter().map(ToString::to_string).collect();
            let review: String = incomplete.iter().map(ToString::to_string).collect();
            let path = artifacts_dir().join(format!("{}-{label}.txt", self.name));
            std::fs::write(&path, format!("{report}\nNeeds review:\n{review}"))
                .expect("write the axe report");
            self.screenshot(&label).await;
            if !violations.is_empty() {
                eprintln!(
                    "axe on {screen} ({theme}): {} finding(s)\n{report}",
                    violations.len()
                );
            }
            gated.extend(
                violations
                    .into_iter()
                    .filter(Violation::is_gated)
                    .map(|v| format!("{theme}: {v}")),
            );
        }
        self.dark_theme(false).await;
        assert!(
            gated.is_empty(),
            "{screen}: {} serious or critical accessibility violation(s):\n{}",
            gated.len(),
            gated.join("\n")
        );
    }
}
