//! "Run" buttons beside the kplay command blocks of a page's prose: progressive enhancement of
//! HTML that is already in the page. Each `<pre class="kplay-command"><code
//! class="language-kplay">` block, in page order, gets a button carrying its index; one click
//! listener on the prose (event delegation) finds which block to run, and the page takes the
//! block's text from its own list (`kplay_lessons::commands` for a lesson), not from the DOM.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// The blocks that get a button.
pub const COMMAND_SELECTOR: &str = "pre.kplay-command";
/// Marks our buttons.
pub const BUTTON_CLASS: &str = "run-block";
/// The attribute holding a button's block index.
const BLOCK_ATTRIBUTE: &str = "data-block";

/// Adds a "Run" button after each command block inside `prose` that has none yet; the
/// button's accessible description is the block's commands. Returns how many were added.
pub fn add_run_buttons(prose: &Element) -> u32 {
    let Ok(blocks) = prose.query_selector_all(COMMAND_SELECTOR) else {
        return 0;
    };
    let Some(document) = prose.owner_document() else {
        return 0;
    };
    let mut added = 0;
    for index in 0..blocks.length() {
        let Some(pre) = blocks
            .item(index)
            .and_then(|node| node.dyn_into::<Element>().ok())
        else {
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
        let block_id = format!("kplay-block-{index}");
        pre.set_id(&block_id);
        let _ = button.set_attribute("type", "button");
        let _ = button.set_attribute("class", &format!("button-small {BUTTON_CLASS}"));
        let _ = button.set_attribute("data-testid", "run-block");
        let _ = button.set_attribute(BLOCK_ATTRIBUTE, &index.to_string());
        let _ = button.set_attribute("aria-describedby", &block_id);
        button.set_text_content(Some("Run"));
        if pre.after_with_node_1(&button).is_ok() {
            added += 1;
        }
    }
    added
}

/// The index of the block whose "Run" button was clicked, if the click was on one. The button
/// takes the focus (a click does not give it in every browser): the playground then knows
/// which step to lead the learner back to after showing the output.
pub fn block_of_click(target: &web_sys::EventTarget) -> Option<usize> {
    let element = target.dyn_ref::<Element>()?;
    let button = element.closest(&format!(".{BUTTON_CLASS}")).ok()??;
    if let Some(button) = button.dyn_ref::<HtmlElement>() {
        let _ = button.focus();
    }
    button.get_attribute(BLOCK_ATTRIBUTE)?.parse().ok()
}

/// The id of the command block whose "Run" button has the focus, if one has.
pub fn focused_block_id() -> Option<String> {
    let active = web_sys::window()?.document()?.active_element()?;
    if !active.class_list().contains(BUTTON_CLASS) {
        return None;
    }
    active.get_attribute("aria-describedby")
}

/// Whether the command block `block_id` and its "Run" button are on the screen whole: then
/// the learner needs no way back to it (on a wide screen the lesson and its live view sit side
/// by side).
pub fn block_in_view(block_id: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Some(block) = window
        .document()
        .and_then(|document| document.get_element_by_id(block_id))
    else {
        return false;
    };
    let height = window
        .inner_height()
        .ok()
        .and_then(|height| height.as_f64())
        .unwrap_or(0.0);
    let bottom = block
        .next_element_sibling()
        .unwrap_or_else(|| block.clone())
        .get_bounding_client_rect()
        .bottom();
    block.get_bounding_client_rect().top() >= 0.0 && bottom <= height
}

/// Brings the command block `block_id` back into view and gives its "Run" button the focus.
pub fn return_to_block(block_id: &str) {
    let Some(block) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(block_id))
    else {
        return;
    };
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    block.scroll_into_view_with_scroll_into_view_options(&options);
    let button = block
        .next_element_sibling()
        .and_then(|next| next.dyn_into::<HtmlElement>().ok());
    if let Some(button) = button {
        let focus = web_sys::FocusOptions::new();
        focus.set_prevent_scroll(true);
        let _ = button.focus_with_options(&focus);
    }
}
