//! Driving the app with the keyboard only: key presses through WebDriver actions (no clicks, no
//! element-targeted typing), and checks of where focus is and that it can be seen.

use fantoccini::{
    actions::{InputSource, KeyAction, KeyActions},
    key::Key,
};

use crate::{Ctx, WAIT_TIMEOUT};

/// Calls back with true as soon as the focused element matches `css`, or with false after `timeout` ms.
const WAIT_FOR_FOCUS_JS: &str = r#"
const [css, timeout, done] = arguments;
const there = () => document.activeElement !== null && document.activeElement.matches(css);
if (there()) { done(true); return; }
const check = () => { if (there()) finish(true); };
const finish = (result) => { document.removeEventListener("focusin", check, true); clearTimeout(timer); done(result); };
document.addEventListener("focusin", check, true);
const timer = setTimeout(() => finish(there()), timeout);
"#;

/// Describes the focused element, and whether focus can be seen on it: it matches `:focus-visible`,
/// draws an outline (itself, or the decoration that stands for it: a switch's track, the label around a
/// hidden radio) and is not hidden under something else (the sticky header).
const FOCUS_JS: &str = r##"
const el = document.activeElement;
if (!el || el === document.body) return { described: "nothing (the body)", ring: false, covered: false };
const drawn = (e) => {
  if (!e) return false;
  const s = getComputedStyle(e);
  return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
};
const shown = el.matches(":focus-visible") &&
  (drawn(el) || (el.nextElementSibling && el.nextElementSibling.matches(".switch-track") && drawn(el.nextElementSibling)) ||
   drawn(el.closest("label")));
const box = (el.matches(".switch input, .segmented input") ? el.parentElement : el).getBoundingClientRect();
const x = box.left + box.width / 2, y = box.top + Math.min(box.height / 2, 8);
const top = document.elementFromPoint(x, y);
const covered = !top || !(el.contains(top) || top.contains(el) || (el.labels && [...el.labels].some((l) => l.contains(top))));
const name = el.getAttribute("aria-label") || el.textContent.trim().slice(0, 40);
const described = `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : ""} "${name}"`;
return { described, ring: shown, covered };
"##;

/// The focused element as the page reports it.
#[derive(Debug, serde::Deserialize)]
pub struct Focus {
    /// `tag#id.class "name"`.
    pub described: String,
    /// A focus indicator is drawn.
    pub ring: bool,
    /// Something else is on top of it.
    pub covered: bool,
}

impl Ctx {
    /// Presses and releases `keys` in order, holding `modifier` (e.g. Shift) throughout if given.
    async fn key_sequence(&self, modifier: Option<Key>, keys: &[char]) {
        let mut actions = KeyActions::new("keyboard".to_owned());
        if let Some(modifier) = modifier {
            actions = actions.then(KeyAction::Down {
                value: modifier.into(),
            });
        }
        for &key in keys {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        if let Some(modifier) = modifier {
            actions = actions.then(KeyAction::Up {
                value: modifier.into(),
            });
        }
        self.client
            .perform_actions(actions)
            .await
            .expect("key presses");
    }

    /// Presses one key (Tab, Enter, Space, Escape…).
    pub async fn key(&self, key: Key) {
        self.key_sequence(None, &[key.into()]).await;
    }

    /// Shift+Tab.
    pub async fn shift_tab(&self) {
        self.key_sequence(Some(Key::Shift), &[Key::Tab.into()])
            .await;
    }

    /// Types `text` key by key into whatever has focus.
    pub async fn type_keys(&self, text: &str) {
        let keys: Vec<char> = text.chars().collect();
        self.key_sequence(None, &keys).await;
    }

    /// Where focus is now.
    pub async fn focus(&self) -> Focus {
        let value = self.eval(FOCUS_JS).await;
        serde_json::from_value(value).expect("the focused element")
    }

    /// Whether the focused element matches `css`.
    pub async fn focus_is(&self, css: &str) -> bool {
        self.client
            .execute(
                "return document.activeElement.matches(arguments[0]);",
                vec![css.into()],
            )
            .await
            .expect("checking focus")
            .as_bool()
            .unwrap_or(false)
    }

    /// Waits until focus moves to an element matching `css` (as the app moves it by itself).
    pub async fn wait_for_focus(&self, css: &str) {
        let arrived = self
            .client
            .execute_async(
                WAIT_FOR_FOCUS_JS,
                vec![css.into(), (WAIT_TIMEOUT.as_millis() as u64).into()],
            )
            .await
            .expect("waiting for focus");
        if arrived != serde_json::Value::Bool(true) {
            let focus = self.focus().await;
            panic!(
                "focus did not get to `{css}` within {WAIT_TIMEOUT:?}; it is on {}",
                focus.described
            );
        }
    }

    /// Waits until the page has drawn two more frames: whatever the app does after an update (it moves
    /// focus in an animation frame) is done by then.
    pub async fn next_frames(&self) {
        self.client
            .execute_async(
                "const done = arguments[0];\
                 requestAnimationFrame(() => requestAnimationFrame(() => done()));",
                vec![],
            )
            .await
            .expect("waiting for a frame");
    }

    /// Fails unless the focused element matches `css` and its focus can be seen.
    pub async fn assert_visible_focus_on(&self, css: &str) {
        let focus = self.focus().await;
        assert!(
            self.focus_is(css).await,
            "focus should be on `{css}`, is on {}",
            focus.described
        );
        assert!(
            focus.ring && !focus.covered,
            "focus on {} cannot be seen: {focus:?}",
            focus.described
        );
    }

    /// Presses Tab until focus is on an element matching `css`, at most `max` times; every element
    /// passed on the way must show its focus too. Returns how many presses it took.
    pub async fn tab_to(&self, css: &str, max: usize) -> usize {
        let mut passed = Vec::new();
        for presses in 1..=max {
            self.key(Key::Tab).await;
            let focus = self.focus().await;
            assert!(
                focus.ring && !focus.covered,
                "focus on {} cannot be seen: {focus:?}",
                focus.described
            );
            if self.focus_is(css).await {
                return presses;
            }
            passed.push(focus.described);
        }
        panic!(
            "{max} presses of Tab did not reach `{css}`; focus went through:\n  {}",
            passed.join("\n  ")
        );
    }
}
