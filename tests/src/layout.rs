//! What the eye checks on a page that no other test sees: layout shifts (an element that moves after it
//! was drawn, recorded by the browser's own `layout-shift` entries from the start of the page) and text
//! too small to read on a phone.

use serde::Deserialize;

use crate::Ctx;

/// Records every layout shift of each document the session opens, with what moved, in
/// `window.__layoutShifts`; the observer is `window.__layoutShiftObserver`.
const RECORD_LAYOUT_SHIFTS_JS: &str = r##"
window.__layoutShifts = [];
const describe = (node) => {
  if (!node) return "(removed)";
  if (node.nodeType !== 1) return `text in ${describe(node.parentElement)}`;
  const classes = typeof node.className === "string" && node.className.trim()
    ? "." + node.className.trim().split(/\s+/).join(".") : "";
  return `${node.tagName.toLowerCase()}${node.id ? "#" + node.id : ""}${classes}`;
};
const record = (entries) => {
  for (const entry of entries) {
    window.__layoutShifts.push({
      value: entry.value,
      at_ms: entry.startTime,
      sources: entry.sources.map((s) =>
        `${describe(s.node)}: y ${Math.round(s.previousRect.y)} → ${Math.round(s.currentRect.y)}, ` +
        `height ${Math.round(s.previousRect.height)} → ${Math.round(s.currentRect.height)}`),
    });
  }
};
window.__layoutShiftObserver = new PerformanceObserver((list) => record(list.getEntries()));
window.__layoutShiftObserver.observe({ type: "layout-shift", buffered: true });
window.__recordPendingLayoutShifts = () => record(window.__layoutShiftObserver.takeRecords());
"##;

/// Calls back with the shifts recorded so far, once the frame being drawn has been presented (two
/// animation frames), so that the shifts of what is on screen now are in.
const LAYOUT_SHIFTS_JS: &str = r#"
const done = arguments[0];
requestAnimationFrame(() => requestAnimationFrame(() => {
  window.__recordPendingLayoutShifts();
  done(window.__layoutShifts);
}));
"#;

/// Every text on the page (text nodes and the content of `::before`/`::after`) that is drawn smaller
/// than 12 px, as "size, element, text".
const SMALL_TEXT_JS: &str = r##"
const shown = (el) => el.getClientRects().length > 0;
const name = (el) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : ""}`;
const small = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const el = node.parentElement;
  if (!el || !node.textContent.trim() || !shown(el)) continue;
  const size = parseFloat(getComputedStyle(el).fontSize);
  if (size < 12) small.push(`${size} px: ${name(el)} "${node.textContent.trim().slice(0, 40)}"`);
}
for (const el of document.body.querySelectorAll("*")) {
  if (!shown(el)) continue;
  for (const pseudo of ["::before", "::after"]) {
    const style = getComputedStyle(el, pseudo);
    const content = style.content;
    if (!content || content === "none" || content === "normal" || content === '""') continue;
    const size = parseFloat(style.fontSize);
    if (size < 12) small.push(`${size} px: ${name(el)}${pseudo} ${content.slice(0, 40)}`);
  }
}
return small;
"##;

/// One layout shift: how much of the viewport moved, when, and what moved where.
#[derive(Clone, Debug, Deserialize)]
pub struct LayoutShift {
    pub value: f64,
    pub at_ms: f64,
    pub sources: Vec<String>,
}

impl Ctx {
    /// Records layout shifts in every page opened from now on ([`Ctx::layout_shifts`] reads them).
    pub async fn record_layout_shifts(&self) {
        self.devtools(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": RECORD_LAYOUT_SHIFTS_JS }),
        )
        .await;
    }

    /// The layout shifts of the current page since it opened, up to what is on screen now.
    pub async fn layout_shifts(&self) -> Vec<LayoutShift> {
        let shifts = self
            .client
            .execute_async(LAYOUT_SHIFTS_JS, vec![])
            .await
            .unwrap_or_else(|e| panic!("reading the layout shifts failed: {e}"));
        serde_json::from_value(shifts).expect(
            "the layout shifts (was Ctx::record_layout_shifts called before opening the page?)",
        )
    }

    /// Every text on the page drawn smaller than 12 px (empty when all is legible).
    pub async fn text_under_12_px(&self) -> Vec<String> {
        let small = self.eval(SMALL_TEXT_JS).await;
        serde_json::from_value(small).expect("a list of texts")
    }

    /// How many elements match `css` now.
    pub async fn count(&self, css: &str) -> usize {
        let count = self
            .client
            .execute(
                "return document.querySelectorAll(arguments[0]).length;",
                vec![css.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("counting `{css}` failed: {e}"));
        count.as_u64().expect("a count") as usize
    }
}
