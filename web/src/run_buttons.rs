//! "Run in the terminal" buttons beside a lesson's kplay commands: progressive enhancement of
//! the prose HTML once it is in the page. Each `<pre class="kplay-command"><code
//! class="language-kplay">` block gets a button; one click listener on the article (event
//! delegation) runs the block's text in the lesson's terminal.

use wasm_bindgen::JsCast;
use web_sys::Element;

/// The blocks that get a button.
pub const COMMAND_SELECTOR: &str = "pre.kplay-command > code.language-kplay";
/// Marks our buttons.
pub const BUTTON_CLASS: &str = "run-in-terminal";

/// Adds a button after each command block inside `article` that has none yet. Returns how
/// many were added.
pub fn add_run_buttons(article: &Element) -> u32 {
    let Ok(blocks) = article.query_selector_all(COMMAND_SELECTOR) else {
        return 0;
    };
    let document = web_sys::window().and_then(|w| w.document());
    let Some(document) = document else {
        return 0;
    };
    let mut added = 0;
    for index in 0..blocks.length() {
        let Some(pre) = blocks.item(index).and_then(|code| code.parent_element()) else {
            continue;
        };
        let has_button = pre
            .next_element_sibling()
            .is_some_and(|next| next.class_list().contains(BUTTON_CLASS));
        if has_button {
            continue;
        }
        let Ok(button) = document.create_element("button") else {
            continue;
        };
        let _ = button.set_attribute("type", "button");
        let _ = button.set_attribute("class", &format!("button-small {BUTTON_CLASS}"));
        let _ = button.set_attribute("data-testid", "run-in-terminal");
        button.set_text_content(Some("Run in the terminal"));
        if pre.after_with_node_1(&button).is_ok() {
            added += 1;
        }
    }
    added
}

/// The command of a clicked "Run in the terminal" button, if the click was on one.
pub fn command_of_click(target: &web_sys::EventTarget) -> Option<String> {
    let element = target.dyn_ref::<Element>()?;
    let button = element.closest(&format!(".{BUTTON_CLASS}")).ok()??;
    let pre = button.previous_element_sibling()?;
    let code = pre.query_selector("code.language-kplay").ok()??;
    let text = code.text_content()?;
    let text = text.trim_end_matches('\n').to_owned();
    (!text.trim().is_empty()).then_some(text)
}
