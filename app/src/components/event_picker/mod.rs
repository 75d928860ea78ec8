//! The event picker: the server's catalog grouped by resource, a select-all per group, a filter box and
//! the count selected. Grouping, filtering and select-all are plain logic in [`selection`] (the event
//! catalog page groups with it too).

pub mod selection;

use leptos::prelude::*;
use webhook_api::catalog;

use self::selection::GroupCheck;
use crate::set::SortedSet;

/// Checkboxes for every event type of `catalog`, writing the choice into `selected`.
#[component]
pub fn EventPicker(
    /// Every type the server offers, in its order.
    catalog: Vec<String>,
    selected: RwSignal<SortedSet<String>>,
    /// Messages to show under the legend (e.g. "Choose at least one event.").
    #[prop(into)]
    errors: Signal<Vec<String>>,
    /// The filter box's id (the form focuses it when the events are wrong).
    #[prop(into)]
    filter_id: String,
) -> impl IntoView {
    let total = catalog.len();
    let catalog = StoredValue::new(catalog);
    let filter = RwSignal::new(String::new());
    let groups = Memo::new(move |_| {
        catalog.with_value(|c| selected.with(|sel| filter.with(|f| selection::groups(c, sel, f))))
    });
    let count = move || selected.with(SortedSet::len);
    let error_id = crate::components::unique_id("events-error");
    let shown = move || {
        groups.with(|groups| {
            groups
                .iter()
                .flat_map(|g| g.types.iter().cloned())
                .collect::<Vec<_>>()
        })
    };
    let select_shown = move |_| {
        let types = shown();
        selected.update(|sel| sel.extend(types));
    };
    let clear_shown = move |_| {
        let types = shown();
        selected.update(|sel| {
            for t in &types {
                sel.remove(t);
            }
        });
    };
    let described_by = error_id.clone();
    view! {
        <fieldset
            class="event-picker"
            aria-describedby=described_by
            aria-invalid=move || (!errors.with(Vec::is_empty)).to_string()
        >
            <legend>"Events"</legend>
            <div class="picker-toolbar">
                <label class="picker-filter">
                    <span>"Filter events"</span>
                    <input
                        id=filter_id
                        type="search"
                        placeholder="comment, user, deleted…"
                        autocomplete="off"
                        bind:value=filter
                    />
                </label>
                <span class="picker-count" aria-live="polite">
                    {count} " of " {total} " selected"
                </span>
                <span class="picker-bulk">
                    <button type="button" class="button small" on:click=select_shown>
                        "Select shown"
                    </button>
                    <button type="button" class="button small" on:click=clear_shown>
                        "Clear shown"
                    </button>
                </span>
            </div>
            <div id=error_id class="field-errors">
                {move || {
                    errors.get().into_iter().map(|e| view! { <p class="field-error">{e}</p> }).collect_view()
                }}
            </div>
            <Show when=move || groups.with(Vec::is_empty)>
                <p class="muted">{move || format!("No event matches “{}”.", filter.get())}</p>
            </Show>
            <div class="picker-groups">
                <For
                    each=move || groups.get()
                    key=|group| (group.resource.clone(), group.types.clone())
                    children=move |group| view! { <EventGroup group selected /> }
                />
            </div>
        </fieldset>
    }
}

/// One resource: a select-all box and a box per type.
#[component]
fn EventGroup(group: selection::Group, selected: RwSignal<SortedSet<String>>) -> impl IntoView {
    let types = StoredValue::new(group.types.clone());
    let check =
        Memo::new(move |_| types.with_value(|t| selected.with(|s| selection::group_check(t, s))));
    let toggle_all = move |_| {
        types.with_value(|t| selected.update(|s| selection::toggle_group(t, s)));
    };
    let resource = group.resource.clone();
    view! {
        <fieldset class="picker-group">
            <legend>
                <label class="picker-group-all">
                    <input
                        type="checkbox"
                        aria-label=format!("All {resource} events")
                        prop:checked=move || check.get() == GroupCheck::All
                        prop:indeterminate=move || check.get() == GroupCheck::Some
                        on:change=toggle_all
                    />
                    <span class="picker-group-name">{resource.clone()}</span>
                    <span class="muted">
                        {move || {
                            let chosen = types
                                .with_value(|t| selected.with(|s| t.iter().filter(|x| s.contains(*x)).count()));
                            format!("{chosen}/{}", types.with_value(Vec::len))
                        }}
                    </span>
                </label>
            </legend>
            <ul class="picker-types">
                {group
                    .types
                    .into_iter()
                    .map(|event_type| {
                        let description = catalog::find(&event_type).map(|k| k.description);
                        let name = StoredValue::new(event_type.clone());
                        view! {
                            <li>
                                <label class="picker-type">
                                    <input
                                        type="checkbox"
                                        value=event_type.clone()
                                        prop:checked=move || {
                                            name.with_value(|n| selected.with(|s| s.contains(n)))
                                        }
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            let n = name.get_value();
                                            selected.update(|s| {
                                                if on {
                                                    s.insert(n);
                                                } else {
                                                    s.remove(&n);
                                                }
                                            });
                                        }
                                    />
                                    <code class="event-type">{event_type}</code>
                                    {description.map(|d| view! { <span class="event-description">{d}</span> })}
                                </label>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </fieldset>
    }
}
